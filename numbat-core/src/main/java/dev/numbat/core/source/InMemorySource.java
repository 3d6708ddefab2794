package dev.numbat.core.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import dev.numbat.core.batch.Batches;

/**
 * Batches held in memory as a source; every batch is one split. The source keeps its own copies (taken at
 * construction, so the caller keeps ownership of what it passed in) and must be closed by its owner.
 * Not serializable in a useful way: it is for embedded use and tests.
 */
public final class InMemorySource implements Source, AutoCloseable {
    private static final long serialVersionUID = 1L;

    private final Schema schema;
    private final transient List<VectorSchemaRoot> batches;

    public InMemorySource(Schema schema, List<VectorSchemaRoot> batches, BufferAllocator allocator) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.batches = new ArrayList<>();
        for (VectorSchemaRoot b : batches) {
            if (!b.getSchema().equals(schema)) {
                close();
                throw dev.numbat.core.NumbatException.userError(
                        "batch schema %s differs from the source schema %s", b.getSchema(), schema);
            }
            this.batches.add(Batches.copy(b, allocator));
        }
    }

    @Override
    public Schema schema() {
        return schema;
    }

    /** The batches this source holds, one per split (read-only view; the source still owns them). */
    public List<VectorSchemaRoot> batches() {
        return java.util.Collections.unmodifiableList(batches);
    }

    @Override
    public List<Split> splits(int targetSplits) {
        List<Split> splits = new ArrayList<>();
        for (int i = 0; i < batches.size(); i++) {
            long bytes = 0;
            for (var v : batches.get(i).getFieldVectors()) {
                bytes += v.getBufferSize();
            }
            splits.add(new BatchSplit(i, bytes));
        }
        return splits;
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        VectorSchemaRoot batch = batches.get(((BatchSplit) split).index());
        return new SplitReader() {
            boolean done;

            @Override
            public VectorSchemaRoot next() {
                if (done) {
                    return null;
                }
                done = true;
                return Batches.copy(batch, allocator);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public String describe() {
        return "memory(" + batches.size() + " batches)";
    }

    @Override
    public void close() {
        batches.forEach(VectorSchemaRoot::close);
        batches.clear();
    }

    record BatchSplit(int index, long sizeBytes) implements Split {
        @Override
        public String describe() {
            return "batch " + index;
        }
    }
}
