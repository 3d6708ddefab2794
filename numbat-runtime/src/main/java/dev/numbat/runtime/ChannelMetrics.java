package dev.numbat.runtime;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What one channel of a job did: its counters ({@code rows_in}, {@code rows_out}, {@code batches_in},
 * {@code batches_out}, {@code busy_nanos}, ...), the peak memory its allocator held and the wall time from
 * its first run to its end. Taken from {@link Job#channelMetrics()}; final once the job has ended, a
 * snapshot so far while it runs.
 *
 * @param node the task graph node's id
 * @param channel the channel's index within its node
 * @param counters a sorted copy of the channel's counters
 * @param peakMemoryBytes the most its allocator held at once (batches read, queued, built and emitted)
 * @param wallNanos from the channel's first run to its end (or to now), 0 if it never ran
 */
public record ChannelMetrics(int node, int channel, Map<String, Long> counters, long peakMemoryBytes,
        long wallNanos) {
    public ChannelMetrics {
        counters = Collections.unmodifiableMap(new TreeMap<>(Objects.requireNonNull(counters, "counters")));
    }

    /** The counter {@code name}, 0 if the channel never touched it. */
    public long get(String name) {
        return counters.getOrDefault(name, 0L);
    }
}
