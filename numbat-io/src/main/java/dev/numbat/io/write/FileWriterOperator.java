package dev.numbat.io.write;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The commit protocol shared by all file writers: each channel writes one file under a hidden temporary name
 * ({@code .part-00003-<writeId>.<ext>.tmp}, skipped by {@link dev.numbat.io.FilePaths}) and renames it to
 * {@code part-00003-<writeId>.<ext>} in {@link #finish}; {@link #close} without a successful finish deletes
 * the temporary file, so a failed or cancelled channel leaves nothing a reader would pick up. Re-running a
 * channel with the same write id replaces its file, so a retried write neither loses nor duplicates rows.
 *
 * <p>A channel that receives no rows writes no file. On finish the operator emits one batch of one row
 * ({@link #RESULT_SCHEMA}: the file written and its row count).
 */
public abstract class FileWriterOperator implements Operator {

    /** What a writer emits once per channel that wrote a file. */
    public static final Schema RESULT_SCHEMA = new Schema(List.of(
            new Field("path", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field("rows", FieldType.notNullable(new ArrowType.Int(64, true)), null)));

    private final Path dir;
    private final String writeId;
    private final String extension;
    private OperatorContext context;
    private Path temp;
    private Path target;
    private Schema schema;
    private long rows;
    private boolean started;
    private boolean committed;

    protected FileWriterOperator(String dir, String writeId, String extension) {
        this.dir = Path.of(Objects.requireNonNull(dir, "dir"));
        this.writeId = FileWriters.checkWriteId(writeId);
        this.extension = Objects.requireNonNull(extension, "extension");
    }

    @Override
    public void open(OperatorContext context) throws Exception {
        this.context = context;
        String name = FileWriters.fileName(context.channel(), writeId, extension);
        target = dir.resolve(name);
        temp = dir.resolve("." + name + ".tmp");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot create output directory " + dir + ": " + e, e);
        }
        // A leftover from an earlier attempt of this channel must not end up in our file.
        FileWriters.deleteRecursively(temp);
    }

    @Override
    public final void process(int input, VectorSchemaRoot batch, Emitter out) throws Exception {
        boolean handedOver = false;
        try {
            if (batch.getRowCount() == 0) {
                return;
            }
            if (schema == null) {
                schema = batch.getSchema();
                started = true;
                begin(temp, schema, context.allocator());
            } else if (!schema.getFields().equals(batch.getSchema().getFields())) {
                throw NumbatException.userError("cannot write a batch with schema %s into %s, which was started with %s",
                        batch.getSchema(), target, schema);
            }
            rows += batch.getRowCount();
            handedOver = true;
            write(batch);
        } finally {
            if (!handedOver) {
                batch.close();
            }
        }
    }

    @Override
    public final void finish(int input, Emitter out) throws Exception {
        if (!started) {
            committed = true;
            return;
        }
        end();
        Path file = committedFile(temp);
        try {
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot rename " + file + " to " + target + ": " + e, e);
        }
        FileWriters.deleteRecursively(temp);
        committed = true;
        context.metrics().add("rows_written", rows);
        context.metrics().add("files_written", 1);
        out.emit(result(context.allocator()));
    }

    private VectorSchemaRoot result(BufferAllocator allocator) {
        VectorSchemaRoot r = VectorSchemaRoot.create(RESULT_SCHEMA, allocator);
        ((VarCharVector) r.getVector(0)).setSafe(0, target.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        ((BigIntVector) r.getVector(1)).setSafe(0, rows);
        r.setRowCount(1);
        return r;
    }

    @Override
    public final void close() throws Exception {
        Throwable failure = null;
        if (started && !committed) {
            try {
                abort();
            } catch (Throwable e) {
                failure = e;
            }
        }
        try {
            release();
        } catch (Throwable e) {
            if (failure == null) {
                failure = e;
            }
        }
        if (temp != null && !committed) {
            FileWriters.deleteRecursively(temp);
        }
        if (failure instanceof Exception e) {
            throw e;
        } else if (failure instanceof Error e) {
            throw e;
        }
    }

    /** The final file, used for errors. */
    protected Path target() {
        return target;
    }

    protected OperatorContext context() {
        return context;
    }

    /** Starts writing to {@code temp}; called with the first non-empty batch. */
    protected abstract void begin(Path temp, Schema schema, BufferAllocator allocator) throws Exception;

    /** Writes one non-empty batch and takes ownership of it (closes it, or hands it on). */
    protected abstract void write(VectorSchemaRoot batch) throws Exception;

    /** Completes the file; after it returns, the data is durable at {@link #committedFile}. */
    protected abstract void end() throws Exception;

    /** The file {@link #end} completed; {@code temp} itself unless the format writes into a directory. */
    protected Path committedFile(Path temp) throws IOException {
        return temp;
    }

    /** Stops writing after a failure or cancellation; the temporary file is deleted afterwards. */
    protected abstract void abort() throws Exception;

    /** Releases whatever is still held, after {@link #end} or {@link #abort}; must be idempotent. */
    protected abstract void release() throws Exception;
}
