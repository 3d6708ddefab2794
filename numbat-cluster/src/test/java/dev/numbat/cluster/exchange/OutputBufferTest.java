package dev.numbat.cluster.exchange;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.testing.TestAllocator;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The buffer's own rules, without the network: credit and wake-ups, retention, spilling, abort, release. */
class OutputBufferTest {
    @TempDir
    Path tmp;

    private BufferAllocator root;
    private BufferAllocator producer;

    @BeforeEach
    void setUp() {
        root = TestAllocator.create();
        producer = root.newChildAllocator("producer", 0, Long.MAX_VALUE);
    }

    @AfterEach
    void tearDown() {
        producer.close();
        root.close();
    }

    private VectorSchemaRoot batch(long first, int rows) {
        VectorSchemaRoot b = VectorSchemaRoot.create(NumbersSource.SCHEMA, producer);
        b.allocateNew();
        BigIntVector v = (BigIntVector) b.getVector("v");
        for (int i = 0; i < rows; i++) {
            v.setSafe(i, first + i);
            ((BigIntVector) b.getVector("k")).setSafe(i, 1);
        }
        b.setRowCount(rows);
        return b;
    }

    /** Reads entry {@code index} back the way a stream does and returns the sum of its column v. */
    private static long readSum(OutputBuffer buffer, int index, BufferAllocator allocator) {
        try (VectorSchemaRoot target = VectorSchemaRoot.create(buffer.schema(), allocator)) {
            assertThat(buffer.load(index, target, allocator)).isTrue();
            BigIntVector v = (BigIntVector) target.getVector("v");
            long sum = 0;
            for (int i = 0; i < target.getRowCount(); i++) {
                sum += v.get(i);
            }
            return sum;
        }
    }

    private static long files(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(dir)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    @Test
    void theProducerWaitsForCreditAndIsWokenWhenAStreamSentABatch() {
        try (ExchangeService service = new ExchangeService(root, tmp, ExchangeOptions.defaults().withCredit(2))) {
            OutputBuffer buffer = service.outputBuffer("q", 0, 0, 1);
            assertThat(service.outputBuffer("q", 0, 0, 1)).isSameAs(buffer);
            AtomicInteger wakes = new AtomicInteger();
            assertThat(buffer.offer(0, batch(0, 10), wakes::incrementAndGet)).isTrue();
            assertThat(buffer.offer(1, batch(10, 10), wakes::incrementAndGet)).isTrue();
            VectorSchemaRoot third = batch(20, 10);
            assertThat(buffer.offer(2, third, wakes::incrementAndGet)).as("no credit").isFalse();
            assertThat(wakes).hasValue(0);
            // The producer keeps the refused batch; its memory is still the producer's.
            assertThat(third.getRowCount()).isEqualTo(10);
            buffer.sent(1);
            assertThat(wakes).hasValue(1);
            assertThat(buffer.offer(2, third, wakes::incrementAndGet)).isTrue();
            buffer.finish();
            assertThat(producer.getAllocatedMemory()).as("batches moved into the exchange").isZero();
            // Everything is retained, also what was sent, and can be read again.
            assertThat(buffer.stats().batches()).isEqualTo(3);
            assertThat(buffer.stats().maxUnsent()).isEqualTo(2);
            assertThat(readSum(buffer, 0, service.allocator())).isEqualTo(45);
            assertThat(readSum(buffer, 2, service.allocator())).isEqualTo(245);
            assertThat(buffer.poll(3, () -> { })).isEqualTo(OutputBuffer.Status.END);
            assertThat(service.retainedBytes()).isPositive();
            service.release("q");
            assertThat(service.retainedBytes()).isZero();
            assertThat(buffer.poll(0, () -> { })).isEqualTo(OutputBuffer.Status.RELEASED);
            assertThatThrownBy(() -> service.outputBuffer("q", 0, 0, 2)).isInstanceOfSatisfying(NumbatException.class,
                    e -> assertThat(e.code()).isEqualTo(ErrorCode.CANCELLED));
        }
    }

    @Test
    void overTheBudgetBatchesSpillOldestFirstAndReleaseDeletesTheFiles() throws IOException {
        long oneBatch;
        try (VectorSchemaRoot probe = batch(0, 100)) {
            oneBatch = dev.numbat.core.batch.Batches.sizeBytes(probe);
        }
        ExchangeOptions options = ExchangeOptions.defaults().withCredit(100).withMemoryBudget(2 * oneBatch);
        try (ExchangeService service = new ExchangeService(root, tmp, options)) {
            OutputBuffer buffer = service.outputBuffer("q/1", 2, 0, 1);
            for (int i = 0; i < 5; i++) {
                assertThat(buffer.offer(i, batch(i * 100L, 100), () -> { })).isTrue();
            }
            BufferStats stats = buffer.stats();
            assertThat(stats.bytesInMemory()).isEqualTo(2 * oneBatch);
            assertThat(stats.bytesSpilled()).isEqualTo(3 * oneBatch);
            assertThat(service.spilledBytes()).isEqualTo(3 * oneBatch);
            assertThat(files(tmp)).isEqualTo(1);
            for (int i = 0; i < 5; i++) {
                long first = i * 100L;
                assertThat(readSum(buffer, i, service.allocator())).as("batch %d", i).isEqualTo(100 * first + 4950);
            }
            assertThat(service.stats("q/1")).containsExactly(buffer.stats());
            service.release("q/1");
            assertThat(files(tmp)).isZero();
            assertThat(service.spilledBytes()).isZero();
            assertThat(service.retainedBytes()).isZero();
        }
    }

    @Test
    void afterAbortReadersSeeTheFailureAndOffersAreDropped() {
        try (ExchangeService service = new ExchangeService(root, tmp, ExchangeOptions.defaults().withCredit(1))) {
            OutputBuffer buffer = service.outputBuffer("q", -1, 3, 0);
            assertThat(buffer.offer(0, batch(0, 5), () -> { })).isTrue();
            AtomicInteger wakes = new AtomicInteger();
            VectorSchemaRoot refused = batch(5, 5);
            assertThat(buffer.offer(1, refused, wakes::incrementAndGet)).isFalse();
            AtomicInteger readerWakes = new AtomicInteger();
            assertThat(buffer.poll(1, readerWakes::incrementAndGet)).isEqualTo(OutputBuffer.Status.WAIT);
            buffer.abort(new NumbatException(ErrorCode.EXECUTOR_LOST, "gone"));
            assertThat(wakes).as("the waiting producer is woken").hasValue(1);
            assertThat(readerWakes).hasValue(1);
            assertThat(buffer.poll(0, () -> { })).isEqualTo(OutputBuffer.Status.FAILED);
            assertThat(buffer.failure()).hasMessage("gone");
            assertThat(buffer.offer(1, refused, () -> { })).as("released and dropped").isTrue();
            assertThat(buffer.stats().batches()).isEqualTo(1);
            assertThat(buffer.stats().state()).isEqualTo("FAILED");
        }
    }

    @Test
    void statsListEveryQuerysBuffers() {
        try (ExchangeService service = new ExchangeService(root, tmp, ExchangeOptions.defaults())) {
            service.outputBuffer("q1", 0, 0, 1);
            service.outputBuffer("q1", 0, 1, 1);
            service.outputBuffer("q2", -1, 0, 0);
            assertThat(service.queries()).containsExactlyInAnyOrder("q1", "q2");
            assertThat(service.stats("q1")).extracting(s -> s.key().producer()).containsExactly(0, 1);
            assertThat(service.stats()).hasSize(3);
            assertThat(service.stats("q2").get(0).key()).hasToString("query q2 results channel 0 -> 0");
        }
    }
}
