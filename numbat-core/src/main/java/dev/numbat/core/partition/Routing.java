package dev.numbat.core.partition;

/**
 * Sends rows by per-row targets with as little copying as the targets allow: the whole batch when every row
 * goes to one consumer, zero-copy slices when each consumer's rows form one contiguous run (the common case
 * for range partitioning of sorted data), and copied rows otherwise.
 */
final class Routing {
    private Routing() {
    }

    static void checkConsumers(int consumers) {
        if (consumers <= 0) {
            throw new IllegalArgumentException("consumers must be positive, got " + consumers);
        }
    }

    /** Routes rows {@code 0 .. rowCount} to consumers {@code targets[i]}, each in {@code [0, consumers)}. */
    static void send(int[] targets, int rowCount, int consumers, PartitionOutput out) {
        if (rowCount == 0) {
            return;
        }
        int runs = 1;
        for (int i = 1; i < rowCount && runs <= consumers; i++) {
            if (targets[i] != targets[i - 1]) {
                runs++;
            }
        }
        if (runs == 1) {
            out.sendAll(targets[0]);
            return;
        }
        if (runs <= consumers && runsHaveDistinctTargets(targets, rowCount, consumers)) {
            int start = 0;
            for (int i = 1; i <= rowCount; i++) {
                if (i == rowCount || targets[i] != targets[start]) {
                    out.sendSlice(targets[start], start, i - start);
                    start = i;
                }
            }
            return;
        }
        out.sendByTarget(targets, rowCount);
    }

    private static boolean runsHaveDistinctTargets(int[] targets, int rowCount, int consumers) {
        boolean[] seen = new boolean[consumers];
        seen[targets[0]] = true;
        for (int i = 1; i < rowCount; i++) {
            if (targets[i] != targets[i - 1]) {
                if (seen[targets[i]]) {
                    return false;
                }
                seen[targets[i]] = true;
            }
        }
        return true;
    }
}
