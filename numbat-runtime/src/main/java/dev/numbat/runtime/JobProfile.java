package dev.numbat.runtime;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongFunction;
import java.util.function.ToLongFunction;

/**
 * A finished job's profile as text, the runtime half of EXPLAIN ANALYZE: per node of the task graph its
 * channels and input partitioning, rows and batches in and out, busy time, the largest channel's peak memory,
 * and for nodes with several channels the per-channel min / median / max of rows and time, so that a skewed
 * partitioning (one channel doing most of the work) shows. Counters an operator adds itself
 * ({@code aggregate_groups}, {@code build_rows}, ...) are listed summed.
 *
 * <pre>
 * #3 aggregate final [4 channels]
 *     input 0 &lt;- #2 hash(k)
 *     rows in            200  in 16 batches   per channel min 32 / median 52 / max 64
 *     rows out            50  in 4 batches    per channel min 8 / median 13 / max 16
 *     busy           0.64 ms                  per channel min 0.15 ms / median 0.15 ms / max 0.19 ms
 *     wall         125.64 ms  longest         per channel min 121.48 ms / median 122.53 ms / max 125.64 ms
 *     peak memory    1.5 KiB                  largest channel
 *     counters                                aggregate_groups 50
 *     output -&gt; client
 * </pre>
 */
public final class JobProfile {
    /** Counters shown on their own lines; any others are listed after them. */
    private static final Set<String> SHOWN = Set.of("rows_in", "rows_out", "batches_in", "batches_out",
            "busy_nanos", "splits", "rows_skipped");

    private JobProfile() {
    }

    /** The profile of {@code job}: a header with its wall time, then one block per node. */
    public static String format(RunningQuery job) {
        Objects.requireNonNull(job, "job");
        List<List<ChannelMetrics>> channels = job.channelMetrics();
        int count = channels.stream().mapToInt(List::size).sum();
        String header = String.format(Locale.ROOT, "job %s: %s wall, %d nodes, %d channels%s%n", job.id(),
                millis(job.elapsedMillis()), channels.size(), count, job.isDone() ? "" : " (still running)");
        return header + format(job.graph(), channels);
    }

    /** One block per node of {@code graph}; {@code channels} as {@link Job#channelMetrics()} returns them. */
    public static String format(TaskGraph graph, List<List<ChannelMetrics>> channels) {
        Objects.requireNonNull(graph, "graph");
        if (channels.size() != graph.nodes().size()) {
            throw new IllegalArgumentException("metrics for " + channels.size() + " nodes, graph has "
                    + graph.nodes().size());
        }
        StringBuilder sb = new StringBuilder();
        for (TaskGraph.Node n : graph.nodes()) {
            List<ChannelMetrics> cs = channels.get(n.id());
            sb.append('#').append(n.id()).append(' ').append(n.name())
                    .append(" [").append(n.channels()).append(n.channels() == 1 ? " channel]" : " channels]");
            if (n.isSource()) {
                sb.append(" <- ").append(n.source().describe());
            }
            sb.append('\n');
            for (TaskGraph.Edge e : graph.inputsOf(n.id())) {
                sb.append("    input ").append(e.input()).append(" <- #").append(e.from()).append(' ')
                        .append(e.partitioner().describe())
                        .append(e.needsWholeInput() ? " (whole input first)" : "").append('\n');
            }
            rows(sb, n.isSource() ? "rows read" : "rows in", cs, "rows_in", "batches_in", n.isSource());
            rows(sb, "rows out", cs, "rows_out", "batches_out", false);
            line(sb, "busy", nanos(sum(cs, c -> c.get("busy_nanos"))), "",
                    spread(cs, c -> c.get("busy_nanos"), JobProfile::nanos));
            line(sb, "wall", nanos(cs.stream().mapToLong(ChannelMetrics::wallNanos).max().orElse(0)),
                    cs.size() > 1 ? "longest" : "", spread(cs, ChannelMetrics::wallNanos, JobProfile::nanos));
            long peak = cs.stream().mapToLong(ChannelMetrics::peakMemoryBytes).max().orElse(0);
            line(sb, "peak memory", bytes(peak), "", cs.size() > 1 ? "largest channel" : "");
            Map<String, Long> other = new TreeMap<>();
            long skipped = sum(cs, c -> c.get("rows_skipped"));
            if (skipped > 0) {
                other.put("rows_skipped", skipped);
            }
            for (ChannelMetrics c : cs) {
                c.counters().forEach((k, v) -> {
                    if (!SHOWN.contains(k)) {
                        other.merge(k, v, Long::sum);
                    }
                });
            }
            if (!other.isEmpty()) {
                StringBuilder o = new StringBuilder();
                other.forEach((k, v) -> o.append(o.length() == 0 ? "" : ", ").append(k).append(' ').append(v));
                line(sb, "counters", "", "", o.toString());
            }
            if (n.id() == graph.output()) {
                sb.append("    output -> client\n");
            }
        }
        return sb.toString();
    }

    private static void rows(StringBuilder sb, String label, List<ChannelMetrics> cs, String rows, String batches,
            boolean source) {
        String unit = source ? sum(cs, c -> c.get("splits")) + " splits" : sum(cs, c -> c.get(batches)) + " batches";
        line(sb, label, Long.toString(sum(cs, c -> c.get(rows))), "in " + unit,
                spread(cs, c -> c.get(rows), Long::toString));
    }

    private static void line(StringBuilder sb, String label, String total, String unit, String detail) {
        String text = String.format(Locale.ROOT, "    %-11s %10s  %-15s %s", label, total, unit, detail);
        sb.append(text.stripTrailing()).append('\n');
    }

    /** "per channel min a / median b / max c", empty for a single channel (nothing to compare). */
    private static String spread(List<ChannelMetrics> cs, ToLongFunction<ChannelMetrics> value,
            LongFunction<String> format) {
        if (cs.size() < 2) {
            return "";
        }
        long[] v = cs.stream().mapToLong(value).sorted().toArray();
        return "per channel min " + format.apply(v[0]) + " / median " + format.apply(median(v)) + " / max "
                + format.apply(v[v.length - 1]);
    }

    /** The median of sorted values; for an even count the mean of the middle two, rounded down. */
    static long median(long[] sorted) {
        int n = sorted.length;
        if (n == 0) {
            return 0;
        }
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    private static long sum(List<ChannelMetrics> cs, ToLongFunction<ChannelMetrics> value) {
        return cs.stream().mapToLong(value).sum();
    }

    static String nanos(long nanos) {
        if (nanos < 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.2f ms", nanos / 1e6);
        }
        return String.format(Locale.ROOT, "%.2f s", nanos / 1e9);
    }

    private static String millis(long millis) {
        return millis < 10_000 ? millis + " ms" : String.format(Locale.ROOT, "%.2f s", millis / 1e3);
    }

    static String bytes(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, v < 10 ? "%.1f %s" : "%.0f %s", v, units[u]);
    }
}
