package dev.numbat.bench.jmh;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Each JMH kernel's lifecycle run once by hand (setup, two operations, teardown), so a kernel that no longer
 * fits the operators' API fails here rather than in a long JMH run; and JMH's generated benchmark list names
 * every kernel. Measures nothing.
 */
@Timeout(120)
class KernelsTest {

    @Test
    void everyKernelIsInJmhsBenchmarkList() throws IOException {
        String list;
        try (InputStream in = getClass().getResourceAsStream("/META-INF/BenchmarkList")) {
            assertThat(in).as("JMH's annotation processor output").isNotNull();
            list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(list).contains("HashAggregateKernel", "HashJoinProbeKernel", "FilterKernel", "FileDecodeKernel");
    }

    @Test
    void hashAggregate() throws Exception {
        for (String keys : new String[] {"flag_status", "partkey"}) {
            HashAggregateKernel k = new HashAggregateKernel();
            k.keys = keys;
            RowCounters c = new RowCounters();
            k.data();
            k.open();
            k.aggregate(c);
            k.aggregate(c);
            k.finish();
            k.release();
            assertThat(c.rows).isEqualTo(2L * KernelData.BATCH_ROWS);
            assertThat(c.bytes).isPositive();
        }
    }

    @Test
    void hashJoinProbe() throws Exception {
        HashJoinProbeKernel k = new HashJoinProbeKernel();
        k.buildRows = 70_000;
        RowCounters c = new RowCounters();
        k.build();
        k.probe(c);
        k.probe(c);
        k.release();
        assertThat(c.rows).isEqualTo(2L * KernelData.BATCH_ROWS);
    }

    @Test
    void filters() throws Exception {
        for (String predicate : new String[] {"decimal", "string"}) {
            FilterKernel k = new FilterKernel();
            k.predicate = predicate;
            RowCounters c = new RowCounters();
            k.data();
            k.filter(c);
            k.release(); // fails when no row passed
            assertThat(c.rows).isEqualTo(KernelData.BATCH_ROWS);
        }
    }

    @Test
    void fileDecoders() throws Exception {
        for (String format : new String[] {"csv", "parquet"}) {
            FileDecodeKernel k = new FileDecodeKernel();
            k.format = format;
            RowCounters c = new RowCounters();
            k.files();
            long rows = k.decode(c);
            k.release();
            // TPC-H lineitem at SF 0.02 has about 120,000 rows.
            assertThat(rows).as(format).isBetween(110_000L, 130_000L);
            assertThat(c.bytes).isPositive();
        }
    }
}
