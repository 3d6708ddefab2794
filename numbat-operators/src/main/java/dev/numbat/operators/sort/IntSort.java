package dev.numbat.operators.sort;

/**
 * A stable merge sort of {@code int} row ids with a primitive comparator, so sorting boxes nothing. Runs of
 * up to 32 ids are insertion-sorted; merging skips halves that are already in order, so sorted and nearly
 * sorted input costs about n comparisons.
 */
final class IntSort {
    private static final int INSERTION_THRESHOLD = 32;

    /** Compares two row ids; negative, zero or positive as for {@link java.util.Comparator}. */
    @FunctionalInterface
    interface IntComparator {
        int compare(int a, int b);
    }

    private IntSort() {
    }

    /** Sorts {@code ids[0 .. n)} stably (equal ids keep their order). */
    static void sort(int[] ids, int n, IntComparator cmp) {
        if (n < 2) {
            return;
        }
        int[] tmp = new int[n];
        System.arraycopy(ids, 0, tmp, 0, n);
        // tmp and ids hold the same ids; each level sorts from one array into the other.
        mergeSort(tmp, ids, 0, n, cmp);
    }

    /** Sorts {@code src[from, to)} into {@code dst[from, to)}; both start with the same contents. */
    private static void mergeSort(int[] src, int[] dst, int from, int to, IntComparator cmp) {
        int length = to - from;
        if (length <= INSERTION_THRESHOLD) {
            for (int i = from + 1; i < to; i++) {
                int id = dst[i];
                int j = i - 1;
                while (j >= from && cmp.compare(dst[j], id) > 0) {
                    dst[j + 1] = dst[j];
                    j--;
                }
                dst[j + 1] = id;
            }
            return;
        }
        int mid = (from + to) >>> 1;
        mergeSort(dst, src, from, mid, cmp);
        mergeSort(dst, src, mid, to, cmp);
        if (cmp.compare(src[mid - 1], src[mid]) <= 0) {
            System.arraycopy(src, from, dst, from, length);
            return;
        }
        int p = from;
        int q = mid;
        for (int i = from; i < to; i++) {
            if (q >= to || (p < mid && cmp.compare(src[p], src[q]) <= 0)) {
                dst[i] = src[p++];
            } else {
                dst[i] = src[q++];
            }
        }
    }
}
