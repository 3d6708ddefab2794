package dev.numbat.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.core.testing.TestAllocator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Two jobs in one JVM stand in for two processes, each running half the channels, linked by a fake network. */
@Timeout(60)
class JobPlacementTest {
    private static final Partitioner BY_VALUE = (b, n, out) -> {
        int[] targets = new int[b.getRowCount()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = (int) (((BigIntVector) b.getVector(0)).get(i) % n);
        }
        out.sendByTarget(targets, targets.length);
    };

    private BufferAllocator root;
    private BufferAllocator network;
    private LocalRuntime runtime;

    @BeforeEach
    void setUp() {
        root = TestAllocator.create();
        network = root.newChildAllocator("network", 0, Long.MAX_VALUE);
        runtime = new LocalRuntime(RuntimeOptions.defaults().withThreads(2), root);
    }

    @AfterEach
    void tearDown() {
        runtime.close();
        network.close();
        assertThat(root.getAllocatedMemory()).isZero();
        root.close();
    }

    /** A stream on the fake network: batches, then an end marker (null batch) or a failure. */
    private record Message(long sequence, VectorSchemaRoot batch, Throwable failure) {
    }

    /** Channel c of every node runs in "process" c % 2; streams are queues keyed by edge/producer/consumer. */
    private final class Half implements JobPlacement {
        final int process;
        final Map<String, LinkedBlockingQueue<Message>> streams;
        final AtomicLong offered = new AtomicLong();

        Half(int process, Map<String, LinkedBlockingQueue<Message>> streams) {
            this.process = process;
            this.streams = streams;
        }

        LinkedBlockingQueue<Message> stream(int edge, int producer, int consumer) {
            return streams.computeIfAbsent(edge + "/" + producer + "/" + consumer, k -> new LinkedBlockingQueue<>());
        }

        @Override
        public boolean isLocal(int node, int channel) {
            return channel % 2 == process;
        }

        @Override
        public boolean resultsRemote() {
            return true;
        }

        @Override
        public RemoteSink openSink(int edge, int producer, int consumer) {
            LinkedBlockingQueue<Message> q = stream(edge, producer, consumer);
            return new RemoteSink() {
                @Override
                public boolean offer(long sequence, VectorSchemaRoot batch, Runnable wake) {
                    offered.incrementAndGet();
                    q.add(new Message(sequence, Batches.transfer(batch, network), null));
                    return true;
                }

                @Override
                public void finish() {
                    q.add(new Message(-1, null, null));
                }

                @Override
                public void abort(Throwable cause) {
                    q.add(new Message(-1, null, cause));
                }
            };
        }

        @Override
        public void openFeed(int edge, int producer, int consumer, RemoteInput input) {
            LinkedBlockingQueue<Message> q = stream(edge, producer, consumer);
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        Message m = q.take();
                        if (m.failure() != null) {
                            input.fail(m.failure());
                            return;
                        }
                        if (m.batch() == null) {
                            input.finish();
                            return;
                        }
                        if (!input.put(m.sequence(), m.batch())) {
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.setDaemon(true);
            t.start();
        }
    }

    private static long drainSum(LinkedBlockingQueue<Message> q) throws InterruptedException {
        long sum = 0;
        while (true) {
            Message m = q.take();
            if (m.failure() != null) {
                throw new AssertionError("stream failed", m.failure());
            }
            if (m.batch() == null) {
                return sum;
            }
            try (VectorSchemaRoot b = m.batch()) {
                BigIntVector v = (BigIntVector) b.getVector(0);
                for (int i = 0; i < b.getRowCount(); i++) {
                    sum += v.get(i);
                }
            }
        }
    }

    @Test
    void channelsSplitOverTwoProcessesGiveTheSameAnswer() throws Exception {
        LongsSource source = new LongsSource(4, 5, 100);
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 4);
        int sum = g.operator("sum", c -> new LocalRuntimeTest.SumOperator(), 2);
        g.connect(s, sum, BY_VALUE).output(sum);
        TaskGraph graph = g.build();
        Map<String, LinkedBlockingQueue<Message>> streams = new ConcurrentHashMap<>();
        Half a = new Half(0, streams);
        Half b = new Half(1, streams);
        try (Job ja = runtime.submit(graph, root, a); Job jb = runtime.submit(graph, root, b)) {
            assertThat(ja.results().hasNext()).as("results go to the remote sink").isFalse();
            ja.await();
            jb.await();
            long total = drainSum(a.stream(JobPlacement.RESULT_EDGE, 0, 0))
                    + drainSum(b.stream(JobPlacement.RESULT_EDGE, 1, 0));
            assertThat(total).isEqualTo(source.expectedSum());
            // Each half read its own two splits and sent the other half's rows across.
            assertThat(ja.metrics().get("#0 longs").get("splits")).isEqualTo(2);
            assertThat(jb.metrics().get("#0 longs").get("splits")).isEqualTo(2);
            assertThat(a.offered.get()).isGreaterThan(1);
        }
    }

    @Test
    void aBrokenRemoteStreamFailsTheConsumerJob() {
        LongsSource source = new LongsSource(2, 3, 10);
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 2);
        int sum = g.operator("sum", c -> new LocalRuntimeTest.SumOperator(), 2);
        g.connect(s, sum, BY_VALUE).output(sum);
        TaskGraph graph = g.build();
        Map<String, LinkedBlockingQueue<Message>> streams = new ConcurrentHashMap<>();
        Half a = new Half(0, streams);
        // Process 1 "died": its stream to process 0 breaks.
        a.stream(0, 1, 0).add(new Message(-1, null, new NumbatException(dev.numbat.core.ErrorCode.EXECUTOR_LOST,
                "executor B lost")));
        try (Job ja = runtime.submit(graph, root, a)) {
            assertThatThrownBy(ja::await).isInstanceOf(NumbatException.class).hasMessageContaining("executor B lost");
        }
        // What process 0 sent to process 1 stays on the network: release it.
        streams.values().forEach(q -> q.forEach(m -> {
            if (m.batch() != null) {
                m.batch().close();
            }
        }));
    }
}
