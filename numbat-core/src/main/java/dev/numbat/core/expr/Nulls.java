package dev.numbat.core.expr;

/** NULL propagation helpers: a result is NULL where any argument is. */
final class Nulls {
    private Nulls() {
    }

    /** The union of the arguments' NULLs over the selected rows, or null when none can be NULL. */
    static boolean[] merge(Col[] args, int[] sel, int n, int len) {
        boolean any = false;
        for (Col a : args) {
            any |= a.nulls != null;
        }
        if (!any) {
            return null;
        }
        boolean[] out = new boolean[len];
        for (Col a : args) {
            boolean[] an = a.nulls;
            if (an == null) {
                continue;
            }
            if (a.constant) {
                if (an[0]) {
                    for (int j = 0; j < n; j++) {
                        out[sel[j]] = true;
                    }
                }
            } else {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    out[i] |= an[i];
                }
            }
        }
        return out;
    }

    static boolean[] merge(Col a, Col b, int[] sel, int n, int len) {
        return merge(new Col[] {a, b}, sel, n, len);
    }

    /** A copy of {@code c}'s NULLs as a full-length array, expanding a constant. */
    static boolean[] copy(Col c, int[] sel, int n, int len) {
        return merge(new Col[] {c}, sel, n, len);
    }

    /** Index mask: {@code i & mask(c)} is {@code i} for a vector and 0 for a constant. */
    static int mask(Col c) {
        return c.constant ? 0 : -1;
    }
}
