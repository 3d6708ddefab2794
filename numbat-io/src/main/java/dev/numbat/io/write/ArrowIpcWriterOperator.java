package dev.numbat.io.write;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorFactory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/** Writes one Arrow IPC file (random-access format, {@code .arrow}) per channel; one record batch per input batch. */
public final class ArrowIpcWriterOperator extends FileWriterOperator {
    private FileChannel channel;
    private VectorSchemaRoot root;
    private ArrowFileWriter writer;

    public ArrowIpcWriterOperator(String dir, String writeId) {
        super(dir, writeId, "arrow");
    }

    @Override
    protected void begin(Path temp, Schema schema, BufferAllocator allocator) throws IOException {
        channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        root = VectorSchemaRoot.create(schema, allocator);
        writer = new ArrowFileWriter(root, null, channel);
        writer.start();
    }

    @Override
    protected void write(VectorSchemaRoot batch) {
        try (batch; ArrowRecordBatch record = new VectorUnloader(batch).getRecordBatch()) {
            new VectorLoader(root).load(record);
            writer.writeBatch();
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "writing Arrow file " + target() + ": " + e, e);
        } finally {
            root.clear();
        }
    }

    @Override
    protected void end() throws IOException {
        try {
            writer.end();
            channel.force(true);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "writing Arrow file " + target() + ": " + e, e);
        } finally {
            release();
        }
    }

    @Override
    protected void abort() {
    }

    @Override
    protected void release() throws IOException {
        if (writer != null) {
            writer.close(); // also closes the channel
            writer = null;
        }
        if (channel != null) {
            channel.close();
            channel = null;
        }
        if (root != null) {
            root.close();
            root = null;
        }
    }

    /** Creates an {@link ArrowIpcWriterOperator} per channel. */
    public record Factory(String dir, String writeId) implements OperatorFactory {
        private static final long serialVersionUID = 1L;

        public Factory {
            Objects.requireNonNull(dir, "dir");
            FileWriters.checkWriteId(writeId);
        }

        @Override
        public Operator create(int channel) {
            return new ArrowIpcWriterOperator(dir, writeId);
        }

        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            return RESULT_SCHEMA;
        }

        @Override
        public String name() {
            return "write-arrow(" + dir + ")";
        }
    }
}
