package dev.numbat.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.core.testing.TestAllocator;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class LocalRuntimeTest {
    private static final Partitioner ROUND_ROBIN_ROWS = (b, n, out) -> {
        int[] targets = new int[b.getRowCount()];
        for (int i = 0; i < targets.length; i++) {
            targets[i] = (int) (((BigIntVector) b.getVector(0)).get(i) % n);
        }
        out.sendByTarget(targets, targets.length);
    };
    private static final Partitioner TO_ZERO = (b, n, out) -> out.sendAll(0);

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
        // Fails the test if any channel, queue or result left a buffer behind.
        assertThat(root.getAllocatedMemory()).isZero();
        root.close();
    }

    /** Sums column v of everything it sees and emits one row with the sum at the end. */
    static final class SumOperator implements Operator {
        private long sum;
        private OperatorContext context;

        @Override
        public void open(OperatorContext context) {
            this.context = context;
        }

        @Override
        public void process(int input, VectorSchemaRoot batch, Emitter out) {
            try (batch) {
                BigIntVector v = (BigIntVector) batch.getVector(0);
                for (int i = 0; i < batch.getRowCount(); i++) {
                    sum += v.get(i);
                }
            }
        }

        @Override
        public void finish(int input, Emitter out) {
            VectorSchemaRoot r = VectorSchemaRoot.create(LongsSource.SCHEMA, context.allocator());
            ((BigIntVector) r.getVector(0)).allocateNew(1);
            ((BigIntVector) r.getVector(0)).set(0, sum);
            r.setRowCount(1);
            out.emit(r);
        }
    }

    private long collectSum(Job job) {
        long sum = 0;
        var it = job.results();
        while (it.hasNext()) {
            try (VectorSchemaRoot b = it.next()) {
                BigIntVector v = (BigIntVector) b.getVector(0);
                for (int i = 0; i < b.getRowCount(); i++) {
                    sum += v.get(i);
                }
            }
        }
        return sum;
    }

    @Test
    void runsSourceThroughPartitionedOperatorsToClient() {
        LongsSource source = new LongsSource(3, 10, 1000);
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 3);
        int sum = g.operator("sum", c -> new SumOperator(), 4);
        g.connect(s, sum, ROUND_ROBIN_ROWS).output(sum);
        try (Job job = runtime.submit(g.build(), root)) {
            assertThat(collectSum(job)).isEqualTo(source.expectedSum());
            assertThat(job.metrics().get("#1 sum").get("rows_in")).isEqualTo(source.total());
        }
    }

    @Test
    void partitionedRowsReachTheChannelTheyWereSentTo() {
        LongsSource source = new LongsSource(2, 5, 777);
        AtomicLong misrouted = new AtomicLong();
        OperatorFactory check = c -> (input, batch, out) -> {
            BigIntVector v = (BigIntVector) batch.getVector(0);
            for (int i = 0; i < batch.getRowCount(); i++) {
                if (v.get(i) % 5 != c) {
                    misrouted.incrementAndGet();
                }
            }
            out.emit(batch);
        };
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 2);
        int k = g.operator("check", check, 5);
        g.connect(s, k, ROUND_ROBIN_ROWS).output(k);
        try (Job job = runtime.submit(g.build(), root)) {
            assertThat(collectSum(job)).isEqualTo(source.expectedSum());
        }
        assertThat(misrouted.get()).isZero();
    }

    @Test
    void consumerReceivesFirstBatchBeforeProducerFinishes() {
        LongsSource source = new LongsSource(1, 200, 100);
        AtomicBoolean producerWasDoneAtFirstBatch = new AtomicBoolean(true);
        AtomicBoolean first = new AtomicBoolean(true);
        OperatorFactory probe = c -> (input, batch, out) -> {
            if (first.getAndSet(false)) {
                producerWasDoneAtFirstBatch.set(source.splitsDone.get() > 0);
            }
            batch.close();
        };
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 1);
        int p = g.operator("probe", probe, 1);
        g.connect(s, p, TO_ZERO);
        runtime.run(g.build());
        assertThat(first.get()).as("probe saw a batch").isFalse();
        assertThat(producerWasDoneAtFirstBatch.get()).isFalse();
        assertThat(source.splitsDone.get()).isEqualTo(1);
    }

    @Test
    void slowConsumerMakesFastProducerWait() {
        LongsSource source = new LongsSource(1, 300, 1000);
        AtomicInteger consumed = new AtomicInteger();
        AtomicInteger maxInFlight = new AtomicInteger();
        OperatorFactory slow = c -> (input, batch, out) -> {
            int inFlight = source.produced.get() - consumed.incrementAndGet();
            maxInFlight.accumulateAndGet(inFlight, Math::max);
            batch.close();
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        };
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 1);
        int p = g.operator("slow", slow, 1);
        g.connect(s, p, TO_ZERO);
        runtime.run(g.build());
        assertThat(consumed.get()).isEqualTo(300);
        // Credit of 4 queued batches plus one parked in the producer's outbox.
        assertThat(maxInFlight.get()).isLessThanOrEqualTo(RuntimeOptions.defaults().channelCredit() + 1);
    }

    @Test
    void failureInOneChannelCancelsJobNamesChannelAndReleasesEverything() {
        LongsSource source = new LongsSource(4, 1000, 100);
        AtomicInteger closed = new AtomicInteger();
        AtomicInteger opened = new AtomicInteger();
        OperatorFactory explode = c -> new Operator() {
            int seen;
            VectorSchemaRoot held;

            @Override
            public void open(OperatorContext context) {
                opened.incrementAndGet();
            }

            @Override
            public void process(int input, VectorSchemaRoot batch, Emitter out) {
                if (held == null) {
                    held = batch; // state that close() must release
                } else {
                    batch.close();
                }
                if (c == 2 && ++seen == 3) {
                    throw new IllegalStateException("boom");
                }
            }

            @Override
            public void close() {
                if (held != null) {
                    held.close();
                }
                closed.incrementAndGet();
            }
        };
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 2);
        int x = g.operator("explode", explode, 4);
        int sum = g.operator("sum", c -> new SumOperator(), 1);
        g.connect(s, x, ROUND_ROBIN_ROWS).connect(x, sum, TO_ZERO).output(sum);
        Job job = runtime.submit(g.build(), root);
        assertThatThrownBy(() -> collectSum(job))
                .isInstanceOf(NumbatException.class)
                .hasMessageContaining("operator 'explode' channel 2 of 4 failed: boom")
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.OPERATOR_FAILED))
                .hasRootCauseInstanceOf(IllegalStateException.class);
        assertThatThrownBy(job::await).hasMessageContaining("boom");
        job.close();
        assertThat(closed.get()).isEqualTo(opened.get());
        assertThat(source.produced.get()).as("the source stopped early").isLessThan(4000);
        assertThat(root.getAllocatedMemory()).isZero();
        // The pool is free: the next job runs normally.
        LongsSource again = new LongsSource(1, 3, 10);
        TaskGraph.Builder g2 = TaskGraph.builder();
        int s2 = g2.source("longs", again, 1);
        int sum2 = g2.operator("sum", c -> new SumOperator(), 1);
        g2.connect(s2, sum2, TO_ZERO).output(sum2);
        try (Job ok = runtime.submit(g2.build(), root)) {
            assertThat(collectSum(ok)).isEqualTo(again.expectedSum());
        }
        runtime.close();
        assertThat(workerThreadsAfterClose()).isEmpty();
    }

    @Test
    void sourceFailureIsNamedToo() {
        TaskGraph.Builder g = TaskGraph.builder();
        LongsSource source = new LongsSource(1, 1, 1) {
            @Override
            public dev.numbat.core.source.SplitReader open(dev.numbat.core.source.Split split, BufferAllocator a) {
                throw NumbatException.userError("cannot read part 0");
            }
        };
        int s = g.source("broken", source, 1);
        int sum = g.operator("sum", c -> new SumOperator(), 1);
        g.connect(s, sum, TO_ZERO).output(sum);
        assertThatThrownBy(() -> runtime.run(g.build()))
                .isInstanceOf(NumbatException.class)
                .hasMessageContaining("operator 'broken' channel 0 of 1 failed: cannot read part 0")
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
    }

    @Test
    void leakedBufferFailsTheJob() {
        LongsSource source = new LongsSource(1, 2, 10);
        List<ArrowBuf> leaked = Collections.synchronizedList(new ArrayList<>());
        OperatorFactory leaky = c -> new Operator() {
            OperatorContext ctx;

            @Override
            public void open(OperatorContext context) {
                ctx = context;
            }

            @Override
            public void process(int input, VectorSchemaRoot batch, Emitter out) {
                batch.close();
                if (leaked.isEmpty()) {
                    leaked.add(ctx.allocator().buffer(64));
                }
            }
        };
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 1);
        int l = g.operator("leaky", leaky, 1);
        g.connect(s, l, TO_ZERO);
        // A root of its own: the leaked buffer cannot be released once its channel allocator is closed.
        BufferAllocator leakRoot = TestAllocator.create();
        try (LocalRuntime leakRuntime = new LocalRuntime(RuntimeOptions.defaults(), leakRoot)) {
            assertThatThrownBy(() -> leakRuntime.run(g.build()))
                    .isInstanceOf(NumbatException.class)
                    .hasMessageContaining("operator 'leaky' channel 0 of 1 failed")
                    .hasMessageContaining("Memory leaked");
        }
        assertThat(leaked).hasSize(1);
        assertThat(leakRoot.getAllocatedMemory()).isEqualTo(leaked.get(0).capacity());
    }

    @Test
    void thousandChannelsRunOnTwoThreads() {
        LongsSource source = new LongsSource(8, 20, 500);
        Set<String> threadNames = ConcurrentHashMap.newKeySet();
        OperatorFactory pass = c -> (input, batch, out) -> {
            threadNames.add(Thread.currentThread().getName());
            out.emit(batch);
        };
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("longs", source, 8);
        int p = g.operator("pass", pass, 1000);
        int sum = g.operator("sum", c -> new SumOperator(), 1);
        g.connect(s, p, ROUND_ROBIN_ROWS).connect(p, sum, TO_ZERO).output(sum);
        try (Job job = runtime.submit(g.build(), root)) {
            assertThat(collectSum(job)).isEqualTo(source.expectedSum());
        }
        assertThat(threadNames).hasSizeLessThanOrEqualTo(2);
        assertThat(workerThreads()).hasSize(2);
    }

    @Test
    void inputNeededWholeIsConsumedAndFinishedBeforeTheOthers() {
        LongsSource build = new LongsSource(2, 10, 10);
        LongsSource probe = new LongsSource(2, 10, 10);
        List<String> events = Collections.synchronizedList(new ArrayList<>());
        OperatorFactory join = c -> new Operator() {
            @Override
            public void process(int input, VectorSchemaRoot batch, Emitter out) {
                events.add("process " + input);
                batch.close();
            }

            @Override
            public void finish(int input, Emitter out) {
                events.add("finish " + input);
            }
        };
        TaskGraph.Builder g = TaskGraph.builder();
        int p = g.source("probe", probe, 2);
        int b = g.source("build", build, 2);
        int j = g.operator("join", join, 1);
        g.connect(p, j, 1, TO_ZERO, false).connect(b, j, 0, TO_ZERO, true);
        runtime.run(g.build());
        int finish0 = events.indexOf("finish 0");
        assertThat(events.subList(0, finish0)).containsOnly("process 0").hasSize(20);
        assertThat(events.subList(finish0 + 1, events.size())).containsOnly("process 1", "finish 1").hasSize(21);
    }

    @Test
    void cancelStopsAnEndlessJobAndReleasesIt() throws Exception {
        LongsSource endless = new LongsSource(2, Integer.MAX_VALUE, 100);
        TaskGraph.Builder g = TaskGraph.builder();
        int s = g.source("endless", endless, 2);
        int p = g.operator("pass", c -> (input, batch, out) -> out.emit(batch), 2);
        g.connect(s, p, ROUND_ROBIN_ROWS).output(p);
        Job job = runtime.submit(g.build(), root);
        var it = job.results();
        it.next().close();
        job.cancel();
        assertThatThrownBy(job::await)
                .isInstanceOf(NumbatException.class)
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.CANCELLED));
        job.close();
        assertThat(root.getAllocatedMemory()).isZero();
    }

    /** Live worker threads, after giving exiting ones a moment (a pool terminates just before they die). */
    private static List<Thread> workerThreadsAfterClose() {
        long deadline = System.currentTimeMillis() + 5_000;
        List<Thread> live = workerThreads();
        while (!live.isEmpty() && System.currentTimeMillis() < deadline) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            live = workerThreads();
        }
        return live;
    }

    private static List<Thread> workerThreads() {
        List<Thread> out = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().matches("numbat-\\d+-worker-\\d+") && t.isAlive()) {
                out.add(t);
            }
        }
        return out;
    }
}
