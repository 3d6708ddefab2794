package dev.numbat.cluster.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.partition.Partitioners;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.operators.aggregate.AggregateCall;
import dev.numbat.operators.aggregate.AggregateFunction;
import dev.numbat.operators.aggregate.HashAggregateOperator;
import dev.numbat.runtime.Job;
import dev.numbat.runtime.JobPlacement;
import dev.numbat.runtime.RemoteInput;
import dev.numbat.runtime.TaskGraph;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntBinaryOperator;
import java.util.stream.Stream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Two executors in one JVM (each a LocalRuntime, an ExchangeService and a gRPC server on a loopback port)
 * run halves of task graphs and exchange batches over real Arrow Flight; results are pulled the way the
 * scheduler pulls them. Every test ends by closing the root allocator, so leaked buffers fail it.
 */
@Timeout(120)
class ExchangeClusterTest {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeClusterTest.class);
    private static final int A = 0;
    private static final int B = 1;

    @TempDir
    Path tmp;

    private BufferAllocator root;
    private BufferAllocator clientAllocator;
    private BufferAllocator results;
    private FlightClientCache clients;
    private ExecutorService feedPool;
    private TestExecutor a;
    private TestExecutor b;
    private final List<AutoCloseable> closeFirst = new ArrayList<>();

    @BeforeEach
    void setUp() {
        root = TestAllocator.create();
        clientAllocator = root.newChildAllocator("clients", 0, Long.MAX_VALUE);
        results = root.newChildAllocator("results", 0, Long.MAX_VALUE);
        clients = FlightClientCache.plaintext(clientAllocator);
        feedPool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "feed");
            t.setDaemon(true);
            return t;
        });
    }

    private void start(ExchangeOptions options) throws IOException {
        a = new TestExecutor("A", root, tmp.resolve("a"), options);
        b = new TestExecutor("B", root, tmp.resolve("b"), options);
    }

    @AfterEach
    void tearDown() throws Exception {
        for (int i = closeFirst.size() - 1; i >= 0; i--) {
            closeFirst.get(i).close();
        }
        clients.close();
        if (a != null) {
            a.close();
        }
        if (b != null) {
            b.close();
        }
        feedPool.shutdownNow();
        results.close();
        clientAllocator.close();
        assertThat(root.getAllocatedMemory()).isZero();
        root.close();
    }

    // ---- helpers ------------------------------------------------------------------------------------------

    private <T extends AutoCloseable> T closeLater(T c) {
        closeFirst.add(c);
        return c;
    }

    /** Submits the share of {@code graph} that {@code where} puts on {@code self}. */
    private Job submit(TestExecutor self, String query, TaskGraph graph, IntBinaryOperator where,
            CompletableFuture<Throwable> ended) {
        List<List<String>> map = new ArrayList<>();
        for (TaskGraph.Node n : graph.nodes()) {
            List<String> channels = new ArrayList<>();
            for (int c = 0; c < n.channels(); c++) {
                channels.add(where.applyAsInt(n.id(), c) == A ? "A" : "B");
            }
            map.add(channels);
        }
        ClusterPlacement placement = new ClusterPlacement(query, graph, map,
                Map.of("A", a.location, "B", b.location), self.id, self.exchange, clients, feedPool, ended::complete);
        return closeLater(self.runtime.submit(graph, results, placement));
    }

    private ResultsReader reader(String query, TaskGraph graph, IntBinaryOperator where) {
        List<Location> outputs = new ArrayList<>();
        for (int c = 0; c < graph.node(graph.output()).channels(); c++) {
            outputs.add(where.applyAsInt(graph.output(), c) == A ? a.location : b.location);
        }
        return closeLater(new ResultsReader(query, outputs, clients, results, feedPool, 8));
    }

    /** source -> partial aggregate (forward) -> hash(k) -> final aggregate: sum(v), count(*) group by k. */
    private static TaskGraph aggregateGraph(NumbersSource source, int channels) {
        List<AggregateCall> calls = List.of(AggregateCall.of(AggregateFunction.SUM, 1, "sum_v"),
                AggregateCall.countStar("cnt"));
        var partial = HashAggregateOperator.Factory.partial(NumbersSource.SCHEMA, List.of(0), calls);
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("numbers", source, channels);
        int p = g.operator("partial", partial, channels);
        int f = g.operator("final", partial.withMode(dev.numbat.operators.aggregate.AggregateMode.FINAL), channels);
        g.connect(s, p, Partitioners.forward());
        g.connect(p, f, Partitioners.hash("k"));
        return g.output(f).build();
    }

    /** k -> [sum_v, cnt]; closes the batches. */
    private static Map<Long, List<Long>> groups(Iterator<VectorSchemaRoot> it) {
        Map<Long, List<Long>> out = new TreeMap<>();
        while (it.hasNext()) {
            try (VectorSchemaRoot batch = it.next()) {
                FieldVector k = batch.getVector(0);
                FieldVector sum = batch.getVector(1);
                FieldVector cnt = batch.getVector(2);
                for (int i = 0; i < batch.getRowCount(); i++) {
                    List<Long> prev = out.put(((Number) k.getObject(i)).longValue(),
                            List.of(((Number) sum.getObject(i)).longValue(), ((Number) cnt.getObject(i)).longValue()));
                    assertThat(prev).as("group %s came twice", k.getObject(i)).isNull();
                }
            }
        }
        return out;
    }

    /** Rows and sum of column v of everything the iterator returns; closes the batches. */
    private static long[] rowsAndSum(Iterator<VectorSchemaRoot> it) {
        long rows = 0;
        long sum = 0;
        while (it.hasNext()) {
            try (VectorSchemaRoot batch = it.next()) {
                BigIntVector v = (BigIntVector) batch.getVector("v");
                for (int i = 0; i < batch.getRowCount(); i++) {
                    sum += v.get(i);
                }
                rows += batch.getRowCount();
            }
        }
        return new long[] {rows, sum};
    }

    /** A pass-through operator that calls {@code onBatch} first. */
    private static Operator passThrough(Runnable onBatch) {
        return (input, batch, out) -> {
            onBatch.run();
            out.emit(batch);
        };
    }

    /** source (1 channel, on A) -> pass-through (1 channel, on B) -> results (from B). */
    private static TaskGraph pipe(NumbersSource source, Runnable onBatch) {
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("numbers", source, 1);
        int p = g.operator("pass", c -> passThrough(onBatch), 1);
        g.connect(s, p, Partitioners.forward());
        return g.output(p).build();
    }

    private static final IntBinaryOperator SOURCE_ON_A = (node, channel) -> node == 0 ? A : B;

    private static List<Path> files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).toList();
        }
    }

    private static BufferStats stats(TestExecutor e, String query, int edge) {
        return e.exchange.stats(query).stream().filter(s -> s.key().edge() == edge).findFirst().orElseThrow();
    }

    private static void awaitDone(Job job, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!job.isDone() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(job.isDone()).as("job ended within %s", within).isTrue();
    }

    // ---- tests --------------------------------------------------------------------------------------------

    @Test
    void aGraphSplitOverTwoExecutorsGivesTheSameAnswerAsOneLocalJob() throws Exception {
        start(ExchangeOptions.defaults());
        NumbersSource source = new NumbersSource(4, 6, 2_000, 101);
        TaskGraph graph = aggregateGraph(source, 4);
        Map<Long, List<Long>> expected;
        try (Job local = a.runtime.submit(graph, results)) {
            expected = groups(local.results());
            local.await();
        }
        assertThat(expected).hasSize(101);

        IntBinaryOperator where = (node, channel) -> channel % 2;
        CompletableFuture<Throwable> endedA = new CompletableFuture<>();
        CompletableFuture<Throwable> endedB = new CompletableFuture<>();
        Job ja = submit(a, "q1", graph, where, endedA);
        Job jb = submit(b, "q1", graph, where, endedB);
        Map<Long, List<Long>> actual = groups(reader("q1", graph, where));
        ja.await();
        jb.await();
        assertThat(actual).isEqualTo(expected);
        assertThat(endedA.get(10, TimeUnit.SECONDS)).isNull();
        assertThat(endedB.get(10, TimeUnit.SECONDS)).isNull();
        // Each executor read its own splits and sent half its partial groups across on the shuffle (edge 1).
        assertThat(ja.metrics().get("#0 numbers").get("splits")).isEqualTo(2);
        assertThat(jb.metrics().get("#0 numbers").get("splits")).isEqualTo(2);
        for (TestExecutor e : List.of(a, b)) {
            List<BufferStats> shuffle = e.exchange.stats("q1").stream().filter(s -> s.key().edge() == 1).toList();
            assertThat(shuffle).hasSize(4); // 2 local producers x 2 remote consumers
            assertThat(shuffle).allSatisfy(s -> assertThat(s.state()).isEqualTo("FINISHED"));
            assertThat(shuffle.stream().mapToLong(BufferStats::batches).sum()).isPositive();
            assertThat(e.exchange.stats("q1").stream().filter(s -> s.key().edge() == JobPlacement.RESULT_EDGE))
                    .hasSize(2);
        }
        assertThat(a.exchange.retainedBytes()).isPositive();

        a.exchange.release("q1");
        b.exchange.release("q1");
        assertThat(a.exchange.stats()).isEmpty();
        assertThat(a.exchange.retainedBytes()).isZero();
        assertThat(b.exchange.retainedBytes()).isZero();
    }

    @Test
    void theConsumerGetsItsFirstBatchBeforeTheProducerFinishes() throws Exception {
        start(ExchangeOptions.defaults());
        NumbersSource source = new NumbersSource(1, 5, 1_000, 10).gateAfter(1);
        CountDownLatch firstSeen = new CountDownLatch(1);
        TaskGraph graph = pipe(source, firstSeen::countDown);
        Job ja = submit(a, "q2", graph, SOURCE_ON_A, new CompletableFuture<>());
        Job jb = submit(b, "q2", graph, SOURCE_ON_A, new CompletableFuture<>());
        ResultsReader reader = reader("q2", graph, SOURCE_ON_A);
        try {
            assertThat(firstSeen.await(30, TimeUnit.SECONDS)).as("first batch reached B").isTrue();
            // The producer is held before its second batch: what B saw was streamed, not sent at the end.
            assertThat(source.produced.get()).isEqualTo(1);
            assertThat(ja.isDone()).isFalse();
            assertThat(stats(a, "q2", 0).state()).isEqualTo("OPEN");
        } finally {
            source.openGate();
        }
        assertThat(rowsAndSum(reader)).containsExactly(source.rows(), source.sumOfV());
        ja.await();
        jb.await();
    }

    @Test
    void aSlowConsumerHoldsItsProducerToTheCredit() throws Exception {
        int credit = 4;
        start(ExchangeOptions.defaults().withCredit(credit));
        // ~1.4 MB batches, so the network's own buffers hold only a few of them.
        NumbersSource source = new NumbersSource(1, 40, 65_536, 10);
        AtomicLong processed = new AtomicLong();
        AtomicLong maxLead = new AtomicLong();
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("numbers", source, 1);
        int slow = g.operator("slow", c -> (input, batch, out) -> {
            if (processed.get() == 0) {
                // Stall on the first batch until the producer stops producing: it must be the credit that
                // stops it, whatever the relative speed of producer and consumer on this machine.
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                long before;
                do {
                    before = source.produced.get();
                    Thread.sleep(300);
                } while (source.produced.get() != before && System.nanoTime() < deadline);
            }
            Thread.sleep(20);
            long lead = source.produced.get() - processed.incrementAndGet();
            maxLead.accumulateAndGet(lead, Math::max);
            batch.close();
        }, 1);
        g.connect(s, slow, Partitioners.forward());
        TaskGraph graph = g.build();
        Job ja = submit(a, "q3", graph, SOURCE_ON_A, new CompletableFuture<>());
        Job jb = submit(b, "q3", graph, SOURCE_ON_A, new CompletableFuture<>());
        jb.await();
        ja.await();
        BufferStats edge = stats(a, "q3", 0);
        LOG.info("credit {}: producer at most {} batches ahead of the consumer; buffer {}", credit, maxLead.get(),
                edge);
        assertThat(processed.get()).isEqualTo(40);
        assertThat(edge.batches()).isEqualTo(40);
        // The producer ran into its credit (it was throttled) and never had more unsent batches than that.
        assertThat(edge.maxUnsent()).isEqualTo(credit);
        // End to end (unthrottled it would be ~39): the credit, the producer's parked batch (1), B's input queue
        // (4), the feed's batch waiting for it (1), Flight's read-ahead (5), the batch being processed (1) and
        // what gRPC's flow-control window lets sit in the connection (a few of these 1.4 MB batches).
        assertThat(maxLead.get()).isLessThanOrEqualTo(credit + 1 + 4 + 1 + 5 + 1 + 4);
    }

    @ParameterizedTest(name = "memory budget {0}")
    @ValueSource(longs = {0, 512L << 20})
    void outputsAreRetainedUntilReleaseInMemoryOrSpilled(long budget) throws Exception {
        start(ExchangeOptions.defaults().withMemoryBudget(budget));
        NumbersSource source = new NumbersSource(2, 5, 3_000, 10);
        TaskGraph graph = pipe(source, () -> { });
        Job ja = submit(a, "q4", graph, SOURCE_ON_A, new CompletableFuture<>());
        Job jb = submit(b, "q4", graph, SOURCE_ON_A, new CompletableFuture<>());
        assertThat(rowsAndSum(reader("q4", graph, SOURCE_ON_A))).containsExactly(source.rows(), source.sumOfV());
        ja.await();
        jb.await();

        BufferStats edge = stats(a, "q4", 0);
        assertThat(edge.batches()).isEqualTo(10);
        assertThat(edge.sent()).isEqualTo(10);
        if (budget == 0) {
            assertThat(edge.bytesInMemory()).isZero();
            assertThat(edge.bytesSpilled()).isPositive();
            assertThat(a.exchange.spilledBytes()).isEqualTo(edge.bytesSpilled());
            assertThat(files(a.workDir)).isNotEmpty().allSatisfy(f -> assertThat(f.toString()).endsWith(".arrows"));
            assertThat(files(b.workDir)).hasSize(1); // B's results
        } else {
            assertThat(edge.bytesSpilled()).isZero();
            assertThat(edge.bytesInMemory()).isPositive();
            assertThat(files(a.workDir)).isEmpty();
        }

        // The stream was consumed; reading it again from the start gives the same batches.
        BufferKey key = new BufferKey("q4", 0, 0, 0);
        Collector again = new Collector();
        FlightFeed.start(clients, a.location, key.ticket(0), again, results, feedPool);
        List<Collector.Received> all = again.done.get(30, TimeUnit.SECONDS);
        assertThat(Collector.sequences(all)).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
        assertThat(Collector.rows(all)).isEqualTo(source.rows());
        assertThat(Collector.sum(all)).isEqualTo(source.sumOfV());
        // From a sequence number on: the rest, as replay after a lost consumer would ask.
        Collector tail = new Collector();
        FlightFeed.start(clients, a.location, key.ticket(6), tail, results, feedPool);
        List<Collector.Received> rest = tail.done.get(30, TimeUnit.SECONDS);
        assertThat(rest).isEqualTo(all.subList(6, 10));
        // The results on B, again.
        Collector results2 = new Collector();
        FlightFeed.start(clients, b.location, new BufferKey("q4", JobPlacement.RESULT_EDGE, 0, 0).ticket(0), results2,
                results, feedPool);
        assertThat(Collector.sum(results2.done.get(30, TimeUnit.SECONDS))).isEqualTo(source.sumOfV());

        a.exchange.release("q4");
        b.exchange.release("q4");
        assertThat(files(a.workDir)).isEmpty();
        assertThat(files(b.workDir)).isEmpty();
        assertThat(a.exchange.spilledBytes()).isZero();
        assertThat(a.exchange.retainedBytes()).isZero();
        assertThat(a.exchange.stats("q4")).isEmpty();
        // A released query is gone for good: asking for it fails at once instead of waiting for its producer.
        Collector late = new Collector();
        FlightFeed.start(clients, a.location, key.ticket(0), late, results, feedPool);
        Throwable t = catchThrowable(() -> late.done.get(10, TimeUnit.SECONDS));
        assertThat(t.getCause()).isInstanceOf(NumbatException.class).hasMessageContaining("released");
        assertThat(((NumbatException) t.getCause()).code()).isEqualTo(ErrorCode.CANCELLED);
    }

    @Test
    void killingTheProducersServerFailsTheConsumerWithExecutorLost() throws Exception {
        start(ExchangeOptions.defaults());
        NumbersSource source = new NumbersSource(1, 10, 1_000, 10).gateAfter(3);
        CountDownLatch firstSeen = new CountDownLatch(1);
        TaskGraph graph = pipe(source, firstSeen::countDown);
        CompletableFuture<Throwable> endedB = new CompletableFuture<>();
        Job ja = submit(a, "q5", graph, SOURCE_ON_A, new CompletableFuture<>());
        Job jb = submit(b, "q5", graph, SOURCE_ON_A, endedB);
        ResultsReader reader = reader("q5", graph, SOURCE_ON_A);
        try {
            assertThat(firstSeen.await(30, TimeUnit.SECONDS)).isTrue();
            long killed = System.nanoTime();
            a.kill();
            awaitDone(jb, Duration.ofSeconds(10));
            LOG.info("consumer job failed {} ms after its producer's server was killed: {}",
                    (System.nanoTime() - killed) / 1_000_000, catchThrowable(jb::await).getMessage());
        } finally {
            source.openGate();
        }
        String where = "lost executor at 127.0.0.1:" + a.location.getUri().getPort();
        assertThatThrownBy(jb::await).isInstanceOfSatisfying(NumbatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTOR_LOST)).hasMessageContaining(where);
        assertThat(endedB.get(10, TimeUnit.SECONDS)).isInstanceOf(NumbatException.class).hasMessageContaining(where);
        // B's job aborted its results stream: the reader hears the same failure.
        assertThatThrownBy(() -> rowsAndSum(reader)).isInstanceOfSatisfying(NumbatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTOR_LOST)).hasMessageContaining(where);
        assertThat(stats(b, "q5", JobPlacement.RESULT_EDGE).state()).isEqualTo("FAILED");
        // A's part would wait for credit forever now: the scheduler cancels it.
        ja.cancel();
        assertThatThrownBy(ja::await).isInstanceOf(NumbatException.class);
        a.exchange.release("q5");
        b.exchange.release("q5");
    }

    @Test
    void aProducerProcessThatDiesMidStreamFailsItsFeedWithExecutorLost() throws Exception {
        String javaBin = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process process = new ProcessBuilder(javaBin, "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx256m",
                "-cp", System.getProperty("java.class.path"), ProducerProcess.class.getName())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        try {
            var stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line = stdout.readLine();
            assertThat(line).startsWith("port ");
            Location location = Location.forGrpcInsecure("127.0.0.1", Integer.parseInt(line.substring(5).trim()));
            CountDownLatch got = new CountDownLatch(3);
            CompletableFuture<Throwable> failed = new CompletableFuture<>();
            FlightFeed feed = FlightFeed.start(clients, location, new BufferKey("q", 0, 0, 0).ticket(0),
                    new RemoteInput() {
                        @Override
                        public boolean put(long sequence, VectorSchemaRoot batch) {
                            batch.close();
                            got.countDown();
                            return true;
                        }

                        @Override
                        public void finish() {
                            failed.complete(null);
                        }

                        @Override
                        public void fail(Throwable cause) {
                            failed.complete(cause);
                        }
                    }, results, feedPool);
            assertThat(got.await(60, TimeUnit.SECONDS)).as("batches streamed from the other process").isTrue();
            long killed = System.nanoTime();
            process.destroyForcibly();
            Throwable t = failed.get(20, TimeUnit.SECONDS);
            LOG.info("feed failed {} ms after its producer process was killed: {}",
                    (System.nanoTime() - killed) / 1_000_000, String.valueOf(t));
            assertThat(t).isInstanceOfSatisfying(NumbatException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.EXECUTOR_LOST))
                    .hasMessageContaining("lost executor at 127.0.0.1:" + location.getUri().getPort());
            feed.completion().get(10, TimeUnit.SECONDS);
        } finally {
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
    }

    @Test
    void aProducerFailureReachesTheConsumerWithItsCode() throws Exception {
        start(ExchangeOptions.defaults());
        NumbersSource source = new NumbersSource(1, 10, 1_000, 10);
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("numbers", source, 1);
        AtomicLong seen = new AtomicLong();
        int boom = g.operator("boom", c -> (input, batch, out) -> {
            if (seen.incrementAndGet() == 3) {
                batch.close();
                throw new IllegalStateException("boom at batch 3");
            }
            out.emit(batch);
        }, 1);
        int pass = g.operator("pass", c -> passThrough(() -> { }), 1);
        g.connect(s, boom, Partitioners.forward());
        g.connect(boom, pass, Partitioners.forward());
        TaskGraph graph = g.output(pass).build();
        IntBinaryOperator where = (node, channel) -> node == pass ? B : A;
        Job ja = submit(a, "q6", graph, where, new CompletableFuture<>());
        Job jb = submit(b, "q6", graph, where, new CompletableFuture<>());
        ResultsReader reader = reader("q6", graph, where);
        assertThatThrownBy(ja::await).isInstanceOfSatisfying(NumbatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.OPERATOR_FAILED)).hasMessageContaining("boom at batch 3");
        assertThatThrownBy(jb::await).isInstanceOfSatisfying(NumbatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.OPERATOR_FAILED))
                .hasMessageContaining("operator 'boom' channel 0 of 1 failed: ")
                .hasMessageContaining("boom at batch 3");
        assertThatThrownBy(() -> rowsAndSum(reader)).isInstanceOfSatisfying(NumbatException.class,
                e -> assertThat(e.code()).isEqualTo(ErrorCode.OPERATOR_FAILED)).hasMessageContaining("boom at batch 3");
        a.exchange.release("q6");
        b.exchange.release("q6");
    }

    @Test
    void aConsumerThatConnectsBeforeItsProducerStartedWaitsForIt() throws Exception {
        start(ExchangeOptions.defaults());
        NumbersSource source = new NumbersSource(2, 3, 1_000, 10);
        TaskGraph graph = pipe(source, () -> { });
        Job jb = submit(b, "q7", graph, SOURCE_ON_A, new CompletableFuture<>());
        ResultsReader reader = reader("q7", graph, SOURCE_ON_A);
        // B's feed asks A for a buffer A has not created yet: the request waits instead of failing.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (a.exchange.activeStreams() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(a.exchange.activeStreams()).isEqualTo(1);
        assertThat(a.exchange.stats("q7")).isEmpty();
        Thread.sleep(200);
        assertThat(jb.isDone()).isFalse();
        Job ja = submit(a, "q7", graph, SOURCE_ON_A, new CompletableFuture<>());
        assertThat(rowsAndSum(reader)).containsExactly(source.rows(), source.sumOfV());
        ja.await();
        jb.await();
        a.exchange.release("q7");
        b.exchange.release("q7");
    }

    @Test
    void aBufferThatNeverAppearsFailsTheStreamAfterTheWait() throws Exception {
        start(ExchangeOptions.defaults().withBufferWait(Duration.ofMillis(300)));
        Collector c = new Collector();
        FlightFeed.start(clients, a.location, new BufferKey("nope", 0, 0, 0).ticket(0), c, results, feedPool);
        Throwable t = catchThrowable(() -> c.done.get(20, TimeUnit.SECONDS));
        assertThat(t.getCause()).isInstanceOf(NumbatException.class).hasMessageContaining("did not start here");
        assertThat(((NumbatException) t.getCause()).code()).isEqualTo(ErrorCode.INTERNAL);
        // The server side lets go of the stream just after the client has seen the error.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (a.exchange.activeStreams() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(a.exchange.activeStreams()).isZero();
    }

    @Test
    void aFeedToAnExecutorThatIsNotThereFailsWithExecutorLost() throws Exception {
        start(ExchangeOptions.defaults());
        a.kill();
        Collector c = new Collector();
        FlightFeed.start(clients, a.location, new BufferKey("q8", 0, 0, 0).ticket(0), c, results, feedPool);
        Throwable t = catchThrowable(() -> c.done.get(20, TimeUnit.SECONDS));
        assertThat(t.getCause()).isInstanceOf(NumbatException.class)
                .hasMessageContaining("lost executor at 127.0.0.1:" + a.location.getUri().getPort());
        assertThat(((NumbatException) t.getCause()).code()).isEqualTo(ErrorCode.EXECUTOR_LOST);
    }
}
