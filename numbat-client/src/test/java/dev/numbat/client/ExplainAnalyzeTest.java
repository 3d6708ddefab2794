package dev.numbat.client;

import static dev.numbat.client.Functions.col;
import static dev.numbat.client.Functions.lit;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;

class ExplainAnalyzeTest {
    private static final Pattern SPREAD = Pattern.compile("per channel min (\\d+) / median (\\d+) / max (\\d+)$");

    /** The lines of the profile block of the node whose header contains {@code name}. */
    private static List<String> block(String profile, String name) {
        String[] blocks = profile.split("\n(?=#\\d+ )");
        return Arrays.stream(blocks)
                .filter(b -> b.matches("(?s)#\\d+ " + Pattern.quote(name) + " .*"))
                .findFirst()
                .map(b -> b.lines().toList())
                .orElseThrow(() -> new AssertionError("no node '" + name + "' in\n" + profile));
    }

    private static String line(List<String> block, String label) {
        return block.stream().filter(l -> l.startsWith("    " + label + " ")).findFirst()
                .orElseThrow(() -> new AssertionError("no '" + label + "' line in\n" + String.join("\n", block)));
    }

    /** min, median, max of a line's "per channel" part. */
    private static long[] spread(String line) {
        Matcher m = SPREAD.matcher(line);
        assertThat(m.find()).as("per channel spread in '%s'", line).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    @Test
    void filterAndGroupByShowRowsPerOperatorAndPerChannelSpread() {
        long kept = 0;
        for (long v = 0; v < 10_000; v++) {
            kept += v % 97 < 50 ? 1 : 0;
        }
        try (NumbatContext ctx = NumbatContext.local(4)) {
            List<VectorSchemaRoot> input = DataStreamTest.batches(ctx.allocator(), 10, 1000);
            // Ten one-batch splits over four channels: 3, 3, 2 and 2 batches.
            DataStream s = ctx.fromBatches(input).withChannels(4);
            input.forEach(VectorSchemaRoot::close);
            DataStream q = s.filter(col("k").lt(lit(50))).groupBy("k").count();

            String text = q.explainAnalyze();

            assertThat(text)
                    .contains("== Logical plan (optimised, estimated rows) ==")
                    .containsPattern("LogicalFilter\\(condition=.*\\): rowcount = \\d+")
                    .containsPattern("LogicalAggregate\\(.*\\): rowcount = \\d+")
                    .doesNotContain("cumulative cost")
                    .contains("== Execution profile ==")
                    .containsPattern("\n50 rows in [0-9.]+ ms \\(planning [0-9.]+ ms, running [0-9.]+ ms\\)\n")
                    .containsPattern("job \\d+: \\d+ ms wall");
            String profile = text.substring(text.indexOf("== Execution profile =="));

            List<String> scan = block(profile, "scan");
            assertThat(scan.get(0)).contains("[4 channels]");
            assertThat(line(scan, "rows read")).containsPattern("rows read +10000 +in 10 splits");
            assertThat(spread(line(scan, "rows out"))).containsExactly(2000, 2500, 3000);

            List<String> filter = block(profile, "filter");
            assertThat(filter).contains("    input 0 <- #0 forward()");
            assertThat(line(filter, "rows in")).containsPattern("rows in +10000 +in 10 batches");
            assertThat(line(filter, "rows out")).containsPattern("rows out +" + kept + " +in \\d+ batches");
            assertThat(spread(line(filter, "rows in"))).containsExactly(2000, 2500, 3000);
            long[] out = spread(line(filter, "rows out"));
            assertThat(out[0]).isLessThanOrEqualTo(out[1]);
            assertThat(out[1]).isLessThanOrEqualTo(out[2]);
            assertThat(line(filter, "busy")).containsPattern("busy +[0-9.]+ m?s +per channel min [0-9.]+ m?s / median");
            assertThat(line(filter, "peak memory")).containsPattern("peak memory +\\d+(\\.\\d)? (B|KiB|MiB)");

            List<String> partial = block(profile, "aggregate partial");
            assertThat(line(partial, "rows in")).containsPattern("rows in +" + kept + " ");
            List<String> fin = block(profile, "aggregate final");
            assertThat(fin).anyMatch(l -> l.matches("    input 0 <- #\\d+ hash\\(k\\)"));
            assertThat(line(fin, "rows out")).containsPattern("rows out +50 ");
            assertThat(fin).contains("    output -> client");
            assertThat(line(fin, "counters")).contains("aggregate_groups 50");
        }
    }

    @Test
    void explainShowsEstimatedRows() {
        try (NumbatContext ctx = NumbatContext.local(2)) {
            List<VectorSchemaRoot> input = DataStreamTest.batches(ctx.allocator(), 2, 100);
            DataStream s = ctx.fromBatches(input);
            input.forEach(VectorSchemaRoot::close);
            assertThat(s.filter(col("k").lt(lit(50))).explain())
                    .containsPattern("LogicalFilter\\(condition=.*\\): rowcount = \\d+")
                    .containsPattern("LogicalTableScan\\(.*\\): rowcount = \\d+")
                    .doesNotContain("cumulative cost")
                    .contains("== Task graph ==");
        }
    }
}
