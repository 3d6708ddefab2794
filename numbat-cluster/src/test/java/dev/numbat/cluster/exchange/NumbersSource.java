package dev.numbat.cluster.exchange;

import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Rows numbered 0, 1, 2, ...: column v is the number, k = v mod {@code groups}, s = "s" + (v mod 7). Optionally
 * blocks before the batch numbered {@code gateAfter} (counted over all splits) until {@link #openGate}, so a
 * test can look at a query while its producer is stuck mid-stream. Used in one JVM only (never serialized).
 */
final class NumbersSource implements Source {
    static final Schema SCHEMA = new Schema(List.of(
            Field.nullable("k", new ArrowType.Int(64, true)),
            Field.nullable("v", new ArrowType.Int(64, true)),
            Field.nullable("s", ArrowType.Utf8.INSTANCE)));

    final int splits;
    final int batchesPerSplit;
    final int rowsPerBatch;
    final int groups;
    final transient AtomicInteger produced = new AtomicInteger();
    private final transient CountDownLatch gate = new CountDownLatch(1);
    private volatile int gateAfter = -1;

    NumbersSource(int splits, int batchesPerSplit, int rowsPerBatch, int groups) {
        this.splits = splits;
        this.batchesPerSplit = batchesPerSplit;
        this.rowsPerBatch = rowsPerBatch;
        this.groups = groups;
    }

    /** Blocks the reader before it produces batch number {@code n} until {@link #openGate}. */
    NumbersSource gateAfter(int n) {
        gateAfter = n;
        return this;
    }

    void openGate() {
        gate.countDown();
    }

    long rows() {
        return (long) splits * batchesPerSplit * rowsPerBatch;
    }

    long sumOfV() {
        long n = rows();
        return n * (n - 1) / 2;
    }

    record Part(int index, long sizeBytes) implements Split {
        @Override
        public String describe() {
            return "part " + index;
        }
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public List<Split> splits(int targetSplits) {
        List<Split> out = new ArrayList<>();
        for (int i = 0; i < splits; i++) {
            out.add(new Part(i, 20L * batchesPerSplit * rowsPerBatch));
        }
        return out;
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        int part = ((Part) split).index();
        return new SplitReader() {
            int batch;

            @Override
            public VectorSchemaRoot next() {
                if (batch >= batchesPerSplit) {
                    return null;
                }
                if (gateAfter >= 0 && produced.get() >= gateAfter) {
                    try {
                        if (!gate.await(60, TimeUnit.SECONDS)) {
                            throw new IllegalStateException("the test never opened the gate");
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        throw new IllegalStateException(e);
                    }
                }
                long base = ((long) part * batchesPerSplit + batch) * rowsPerBatch;
                batch++;
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                BigIntVector k = (BigIntVector) root.getVector(0);
                BigIntVector v = (BigIntVector) root.getVector(1);
                VarCharVector s = (VarCharVector) root.getVector(2);
                k.allocateNew(rowsPerBatch);
                v.allocateNew(rowsPerBatch);
                s.allocateNew(rowsPerBatch * 3L, rowsPerBatch);
                for (int i = 0; i < rowsPerBatch; i++) {
                    long n = base + i;
                    k.set(i, n % groups);
                    v.set(i, n);
                    s.setSafe(i, ("s" + (n % 7)).getBytes(StandardCharsets.UTF_8));
                }
                root.setRowCount(rowsPerBatch);
                produced.incrementAndGet();
                return root;
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String describe() {
        return "numbers(" + rows() + ")";
    }
}
