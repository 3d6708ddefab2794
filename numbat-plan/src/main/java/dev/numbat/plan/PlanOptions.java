package dev.numbat.plan;

/**
 * How the physical planner sizes a task graph.
 *
 * @param defaultChannels        channels of shuffled stages (hash-partitioned joins and aggregates) and the most
 *                               channels a source gets; the number of cores (or of executor slots) is a good value
 * @param broadcastThresholdRows a join side estimated to have fewer rows than this is broadcast to the other
 *                               side's channels instead of hash-partitioning both
 * @param reorderJoins           let the optimiser reorder multi-way joins by its cost estimates; off keeps the
 *                               order the joins were written in (the DataFrame API's choice: with only row
 *                               counts as statistics, Calcite takes foreign-key joins for many-to-many ones)
 */
public record PlanOptions(int defaultChannels, double broadcastThresholdRows, boolean reorderJoins) {
    /** Broadcast join sides smaller than this many (estimated) rows unless told otherwise. */
    public static final double DEFAULT_BROADCAST_THRESHOLD_ROWS = 100_000;

    public PlanOptions(int defaultChannels, double broadcastThresholdRows) {
        this(defaultChannels, broadcastThresholdRows, true);
    }

    public PlanOptions {
        if (defaultChannels < 1) {
            throw new IllegalArgumentException("defaultChannels must be >= 1, got " + defaultChannels);
        }
        if (!(broadcastThresholdRows >= 0)) {
            throw new IllegalArgumentException("broadcastThresholdRows must be >= 0, got " + broadcastThresholdRows);
        }
    }

    /** One channel per available processor, the default broadcast threshold. */
    public static PlanOptions defaults() {
        return new PlanOptions(Runtime.getRuntime().availableProcessors(), DEFAULT_BROADCAST_THRESHOLD_ROWS);
    }

    public PlanOptions withDefaultChannels(int channels) {
        return new PlanOptions(channels, broadcastThresholdRows, reorderJoins);
    }

    public PlanOptions withBroadcastThresholdRows(double rows) {
        return new PlanOptions(defaultChannels, rows, reorderJoins);
    }

    public PlanOptions withReorderJoins(boolean reorder) {
        return new PlanOptions(defaultChannels, broadcastThresholdRows, reorder);
    }
}
