package dev.numbat.cluster.exchange;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One output buffer's spilled batches: an Arrow IPC stream file (schema, then record batches, appended),
 * read back at random by the position each write returned. Not thread-safe: its buffer's lock guards it.
 * Dictionary-encoded columns are not supported (Numbat batches carry none).
 */
final class SpillFile implements AutoCloseable {
    private final Path path;
    private final FileChannel out;
    private final WriteChannel writer;
    private final FileChannel in;

    SpillFile(Path path, Schema schema) {
        this.path = path;
        FileChannel o = null;
        try {
            Files.createDirectories(path.getParent());
            o = FileChannel.open(path, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            this.out = o;
            this.writer = new WriteChannel(o);
            MessageSerializer.serialize(writer, schema);
            this.in = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            closeQuietly(o);
            throw new NumbatException(ErrorCode.IO_ERROR,
                    "cannot create spill file " + path + ": " + e.getMessage(), e);
        }
    }

    Path path() {
        return path;
    }

    /** Appends {@code batch} (which stays the caller's) and returns where to find it. */
    ArrowBlock write(VectorSchemaRoot batch) {
        try (ArrowRecordBatch rb = new VectorUnloader(batch).getRecordBatch()) {
            return MessageSerializer.serialize(writer, rb);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot spill to " + path + ": " + e.getMessage(), e);
        }
    }

    /** Reads the batch written at {@code block} into {@code allocator}; the caller closes the result. */
    ArrowRecordBatch read(ArrowBlock block, BufferAllocator allocator) {
        try {
            in.position(block.getOffset());
            // Not closed: closing the ReadChannel would close the file channel it wraps.
            return MessageSerializer.deserializeRecordBatch(new ReadChannel(in), block, allocator);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot read spilled batch from " + path + ": "
                    + e.getMessage(), e);
        }
    }

    /** Closes and deletes the file. */
    @Override
    public void close() {
        closeQuietly(in);
        closeQuietly(out);
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR,
                    "cannot delete spill file " + path + ": " + e.getMessage(), e);
        }
    }

    private static void closeQuietly(FileChannel c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // Nothing more to release; the file is deleted next.
            }
        }
    }
}
