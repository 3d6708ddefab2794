package dev.numbat.runtime;

import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** A source of BIGINT column "v" holding 0, 1, 2, ...: splits × batches × rows values in all. */
class LongsSource implements Source {
    static final Schema SCHEMA = new Schema(List.of(Field.nullable("v", new ArrowType.Int(64, true))));

    final int splits;
    final int batchesPerSplit;
    final int rowsPerBatch;
    /** Batches handed out so far (for flow-control tests). */
    final transient AtomicInteger produced = new AtomicInteger();
    /** Splits read to the end. */
    final transient AtomicInteger splitsDone = new AtomicInteger();

    LongsSource(int splits, int batchesPerSplit, int rowsPerBatch) {
        this.splits = splits;
        this.batchesPerSplit = batchesPerSplit;
        this.rowsPerBatch = rowsPerBatch;
    }

    long total() {
        return (long) splits * batchesPerSplit * rowsPerBatch;
    }

    long expectedSum() {
        long n = total();
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
            out.add(new Part(i, 8L * batchesPerSplit * rowsPerBatch));
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
                if (batch == batchesPerSplit) {
                    if (batch++ == batchesPerSplit) {
                        splitsDone.incrementAndGet();
                    }
                    return null;
                }
                if (batch > batchesPerSplit) {
                    return null;
                }
                long base = ((long) part * batchesPerSplit + batch) * rowsPerBatch;
                batch++;
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                BigIntVector v = (BigIntVector) root.getVector(0);
                v.allocateNew(rowsPerBatch);
                for (int i = 0; i < rowsPerBatch; i++) {
                    v.set(i, base + i);
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
        return "longs(" + total() + ")";
    }
}
