package dev.numbat.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.core.testing.TestAllocator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class JobProfileTest {
    private static final Partitioner BY_VALUE_MOD = (b, n, out) -> {
        int[] targets = new int[b.getRowCount()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = (int) (((BigIntVector) b.getVector(0)).get(i) % n);
        }
        out.sendByTarget(targets, targets.length);
    };
    private static final OperatorFactory PASS = c -> (input, batch, out) -> out.emit(batch);

    private BufferAllocator root;
    private LocalRuntime runtime;

    @BeforeEach
    void setUp() {
        root = TestAllocator.create();
        runtime = new LocalRuntime(RuntimeOptions.defaults().withThreads(2), root);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
        assertThat(root.getAllocatedMemory()).isZero();
        root.close();
    }

    private static void drain(Job job) {
        var it = job.results();
        while (it.hasNext()) {
            it.next().close();
        }
        job.await();
    }

    @Test
    void finishedJobKeepsEveryChannelsRowsPeakMemoryAndWallTime() {
        LongsSource source = new LongsSource(3, 10, 1000);
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 3);
        int p = g.operator("pass", PASS, 4);
        g.connect(s, p, BY_VALUE_MOD).output(p);
        List<List<ChannelMetrics>> channels;
        try (Job job = runtime.submit(g.build(), root)) {
            drain(job);
            channels = job.channelMetrics();
            // The per-node sums Job.metrics() reports are the channels' figures added up.
            assertThat(sum(channels.get(p), "rows_in")).isEqualTo(job.metrics().get("#1 pass").get("rows_in"));
        }
        // Still there after close: the job released its allocators, not its figures.
        assertThat(channels).hasSize(2);
        assertThat(channels.get(s)).hasSize(3);
        assertThat(channels.get(p)).hasSize(4);
        for (List<ChannelMetrics> node : channels) {
            for (int c = 0; c < node.size(); c++) {
                ChannelMetrics m = node.get(c);
                assertThat(m.channel()).isEqualTo(c);
                assertThat(m.node()).isEqualTo(node == channels.get(s) ? s : p);
                // Every channel held batches (the source read them, each consumer got a quarter).
                assertThat(m.peakMemoryBytes()).as("peak memory of %s", m).isPositive();
                assertThat(m.wallNanos()).isPositive();
                assertThat(m.wallNanos()).isGreaterThanOrEqualTo(m.get("busy_nanos"));
            }
        }
        assertThat(sum(channels.get(s), "rows_in")).isEqualTo(source.total());
        assertThat(sum(channels.get(s), "rows_out")).isEqualTo(source.total());
        assertThat(sum(channels.get(s), "splits")).isEqualTo(3);
        assertThat(sum(channels.get(p), "rows_in")).isEqualTo(source.total());
        assertThat(sum(channels.get(p), "rows_out")).isEqualTo(source.total());
        // Values 0..29999 modulo 4: each consumer channel gets exactly a quarter.
        assertThat(channels.get(p)).allSatisfy(m -> assertThat(m.get("rows_in")).isEqualTo(source.total() / 4));
    }

    @Test
    void profileShowsEveryNodeWithItsInputsAndTheSkewOfASkewedPartitioning() {
        LongsSource source = new LongsSource(2, 5, 100);
        Partitioner allToOne = (b, n, out) -> out.sendAll(1);
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 2);
        int p = g.operator("pass", PASS, 4);
        g.connect(s, p, allToOne).output(p);
        String profile;
        try (Job job = runtime.submit(g.build(), root)) {
            drain(job);
            profile = JobProfile.format(job);
        }
        assertThat(profile)
                .startsWith("job ")
                .contains("2 nodes, 6 channels")
                .contains("#0 longs [2 channels] <- longs(1000)")
                .contains("#1 pass [4 channels]")
                .contains("input 0 <- #0")
                .contains("output -> client")
                .containsPattern("rows read +1000 +in 2 splits")
                .containsPattern("rows in +1000 +in 10 batches +per channel min 0 / median 0 / max 1000")
                .containsPattern("rows out +1000 +in 10 batches +per channel min 0 / median 0 / max 1000")
                .contains("busy")
                .contains("peak memory");
    }

    @Test
    void runningJobReportsWhatItDidSoFar() throws Exception {
        LongsSource source = new LongsSource(1, 1_000_000, 10);
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 1);
        int p = g.operator("pass", PASS, 1);
        g.connect(s, p, (b, n, out) -> out.sendAll(0)).output(p);
        try (Job job = runtime.submit(g.build(), root)) {
            var it = job.results();
            for (int i = 0; i < 3; i++) {
                it.next().close();
            }
            List<List<ChannelMetrics>> soFar = job.channelMetrics();
            assertThat(soFar.get(s).get(0).get("rows_out")).isPositive();
            assertThat(JobProfile.format(job)).contains("(still running)");
        }
    }

    @Test
    void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
        assertThat(JobProfile.median(new long[] {1, 2, 4, 9})).isEqualTo(3);
        assertThat(JobProfile.median(new long[] {5})).isEqualTo(5);
        assertThat(JobProfile.median(new long[] {1, 2, 9})).isEqualTo(2);
        assertThat(JobProfile.bytes(512)).isEqualTo("512 B");
        assertThat(JobProfile.bytes(3 * 1024 * 1024 / 2)).isEqualTo("1.5 MiB");
        assertThat(JobProfile.nanos(2_500_000)).isEqualTo("2.50 ms");
    }

    private static long sum(List<ChannelMetrics> channels, String counter) {
        return channels.stream().mapToLong(m -> m.get(counter)).sum();
    }
}
