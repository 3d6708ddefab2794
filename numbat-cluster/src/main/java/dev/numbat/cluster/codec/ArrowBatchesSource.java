package dev.numbat.cluster.codec;

import com.google.protobuf.ByteString;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.core.source.Source;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serial;
import java.nio.channels.Channels;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * In-memory batches that arrived in a plan (what an {@link dev.numbat.core.source.InMemorySource} becomes on
 * the receiving side): each batch is kept as an Arrow IPC stream on the heap and decoded into the reading
 * channel's allocator when its split is opened, so the source owns no Arrow memory and needs no closing.
 * One split per batch, as {@code InMemorySource}.
 */
public final class ArrowBatchesSource implements Source {
    @Serial
    private static final long serialVersionUID = 1L;

    private final byte[] schemaMessage;
    private final List<ByteString> batches;
    private transient volatile Schema schema;

    ArrowBatchesSource(Schema schema, List<ByteString> ipcStreams) {
        this.schema = Objects.requireNonNull(schema, "schema");
        this.schemaMessage = schema.serializeAsMessage();
        this.batches = List.copyOf(ipcStreams);
    }

    /** One batch as an Arrow IPC stream (its schema, then the batch). The batch is only read. */
    static byte[] toIpcStream(VectorSchemaRoot batch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (ArrowStreamWriter writer = new ArrowStreamWriter(batch, null, Channels.newChannel(out))) {
            writer.start();
            writer.writeBatch();
            writer.end();
        } catch (IOException e) {
            throw NumbatException.internal("cannot write a batch as Arrow IPC", e);
        }
        return out.toByteArray();
    }

    List<ByteString> ipcStreams() {
        return batches;
    }

    @Override
    public Schema schema() {
        Schema s = schema;
        if (s == null) {
            s = Schema.deserializeMessage(java.nio.ByteBuffer.wrap(schemaMessage));
            schema = s;
        }
        return s;
    }

    @Override
    public List<Split> splits(int targetSplits) {
        return java.util.stream.IntStream.range(0, batches.size())
                .<Split>mapToObj(i -> new BatchSplit(i, batches.get(i).size())).toList();
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        if (!(split instanceof BatchSplit b) || b.index() >= batches.size()) {
            throw new IllegalArgumentException("not a split of this source: " + split.describe());
        }
        ByteString bytes = batches.get(b.index());
        return new SplitReader() {
            private boolean done;

            @Override
            public VectorSchemaRoot next() {
                if (done) {
                    return null;
                }
                done = true;
                try (ArrowStreamReader reader = new ArrowStreamReader(bytes.newInput(), allocator)) {
                    if (!reader.loadNextBatch()) {
                        throw new NumbatException(ErrorCode.USER_ERROR, "in-memory batch " + b.index()
                                + " of the plan holds no record batch");
                    }
                    // The reader owns its root: move the buffers out before closing it.
                    return Batches.transfer(reader.getVectorSchemaRoot(), allocator);
                } catch (IOException e) {
                    throw new NumbatException(ErrorCode.USER_ERROR, "in-memory batch " + b.index()
                            + " of the plan is not valid Arrow IPC: " + e, e);
                }
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
    public String toString() {
        return describe();
    }

    record BatchSplit(int index, long sizeBytes) implements Split {
        @Override
        public String describe() {
            return "batch " + index;
        }
    }
}
