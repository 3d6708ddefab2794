package dev.numbat.io.write;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.arrow.dataset.file.DatasetFileWriter;
import org.apache.arrow.dataset.file.FileFormat;
import java.util.ArrayList;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.util.VectorSchemaRootAppender;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Writes one Parquet file per channel with Arrow's native dataset writer ({@link DatasetFileWriter}).
 *
 * <p>That writer pulls batches from an {@link ArrowReader} until it is exhausted, so each channel runs it on a
 * dedicated thread and feeds it through a small bounded queue: {@link #process} blocks while the queue is
 * full (back-pressure from the encoder), and a failure of the writer thread is rethrown by the next
 * {@code process} or by {@code finish}. The native writer writes into a directory (the hidden temporary
 * name); the single file inside it is renamed to the final name on commit.
 *
 * <p>Row order inside a file follows the input order of batches as far as Arrow's writer keeps it; Arrow
 * 18.3 does not promise to preserve batch order when writing, so do not rely on it.
 */
public final class ParquetWriterOperator extends FileWriterOperator {
    private static final Logger LOG = LoggerFactory.getLogger(ParquetWriterOperator.class);
    private static final int QUEUE_CAPACITY = 4;
    /**
     * Batches are gathered until this many rows (or {@link #ROW_GROUP_BYTES} of Arrow data) before they go to the
     * native writer. It matches the largest row group Arrow 18's dataset writer makes: it cuts its input into
     * batches of at most 32K rows and, with the default {@code min_rows_per_group} of 0 (not settable from
     * Java), writes each as a row group of its own.
     */
    static final long ROW_GROUP_ROWS = 1 << 15;
    static final long ROW_GROUP_BYTES = 64L << 20;
    private static final VectorSchemaRoot END = new VectorSchemaRoot(List.of());

    private final BlockingQueue<VectorSchemaRoot> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private volatile boolean aborted;
    private Thread thread;

    public ParquetWriterOperator(String dir, String writeId) {
        super(dir, writeId, "parquet");
    }

    @Override
    protected void begin(Path temp, Schema schema, BufferAllocator allocator) {
        String uri = temp.toAbsolutePath().toUri().toString();
        // The native writer holds exported buffers until it releases them, and on some failures it never does.
        // Batches are therefore copied into an allocator private to this writer, so that a native leak cannot
        // break the channel allocator's accounting; the copy is cheap next to Parquet encoding.
        BufferAllocator exportAllocator = new RootAllocator();
        QueueReader reader = new QueueReader(exportAllocator, schema);
        thread = new Thread(() -> {
            try {
                DatasetFileWriter.write(exportAllocator, reader, FileFormat.PARQUET, uri, new String[0], 1,
                        "data-{i}.parquet");
            } catch (Throwable e) {
                failure.compareAndSet(null, e);
            } finally {
                try {
                    reader.close();
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                releaseWhenDrained(exportAllocator);
            }
        }, "numbat-parquet-writer-" + context().channel());
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Native threads release the exported batches asynchronously, shortly after the write call returns; closing
     * the allocator before then would make those releases fail. On some native failures a batch is never
     * released: then the allocator is left open (its memory is lost) and a warning logged.
     */
    private void releaseWhenDrained(BufferAllocator exportAllocator) {
        long deadline = System.nanoTime() + (failure.get() == null ? 30_000_000_000L : 2_000_000_000L);
        while (exportAllocator.getAllocatedMemory() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (exportAllocator.getAllocatedMemory() == 0) {
            exportAllocator.close();
        } else {
            LOG.warn("native Parquet writer for {} did not release {} bytes (writer failure: {})", target(),
                    exportAllocator.getAllocatedMemory(), String.valueOf(failure.get()));
        }
    }

    @Override
    protected void write(VectorSchemaRoot batch) throws Exception {
        try {
            while (!queue.offer(batch, 100, TimeUnit.MILLISECONDS)) {
                checkWriter();
            }
        } catch (Throwable e) {
            batch.close();
            throw e;
        }
        checkWriter();
    }

    private void checkWriter() {
        Throwable e = failure.get();
        if (e == null && !thread.isAlive() && !aborted) {
            e = new IllegalStateException("writer thread stopped");
        }
        if (e != null) {
            throw failed(e);
        }
    }

    private NumbatException failed(Throwable e) {
        if (e instanceof NumbatException n) {
            return new NumbatException(n.code(), "writing " + target() + ": " + n.getMessage(), n);
        }
        return new NumbatException(ErrorCode.IO_ERROR, "writing Parquet file " + target() + " failed: " + e, e);
    }

    @Override
    protected void end() throws Exception {
        while (!queue.offer(END, 100, TimeUnit.MILLISECONDS)) {
            checkWriter();
        }
        thread.join();
        if (failure.get() != null) {
            throw failed(failure.get());
        }
    }

    @Override
    protected Path committedFile(Path temp) throws IOException {
        try (Stream<Path> files = Files.list(temp)) {
            List<Path> written = files.toList();
            if (written.size() != 1) {
                throw new NumbatException(ErrorCode.INTERNAL,
                        "expected the Parquet writer to write one file into " + temp + ", found " + written);
            }
            return written.get(0);
        }
    }

    @Override
    protected void abort() throws Exception {
        aborted = true;
        if (thread != null) {
            thread.join();
        }
    }

    @Override
    protected void release() {
        aborted = true;
        VectorSchemaRoot b;
        while ((b = queue.poll()) != null) {
            b.close();
        }
    }

    /** Hands queued batches to the native writer; runs on the writer thread. */
    private final class QueueReader extends ArrowReader {
        private final Schema schema;
        private boolean ended;

        QueueReader(BufferAllocator allocator, Schema schema) {
            super(allocator);
            this.schema = schema;
        }

        @Override
        public boolean loadNextBatch() throws IOException {
            if (ended) {
                return false;
            }
            // Arrow's writer makes every batch it is given (up to 32K rows) a row group of its own, so small
            // batches are gathered first: small row groups cost every reader (Arrow's and DuckDB's both scan
            // 32K-row groups about half as fast as 1M-row ones).
            List<VectorSchemaRoot> taken = new ArrayList<>();
            try {
                long rows = 0;
                long bytes = 0;
                while (rows < ROW_GROUP_ROWS && bytes < ROW_GROUP_BYTES) {
                    VectorSchemaRoot next = take();
                    if (next == null) {
                        break;
                    }
                    taken.add(next);
                    rows += next.getRowCount();
                    for (FieldVector v : next.getFieldVectors()) {
                        bytes += v.getBufferSize();
                    }
                }
                if (aborted || taken.isEmpty()) {
                    ended = true;
                    return false;
                }
                prepareLoadNextBatch();
                if (taken.size() == 1) {
                    try (ArrowRecordBatch record = new VectorUnloader(taken.get(0)).getRecordBatch();
                            ArrowRecordBatch copy = copy(record)) {
                        new VectorLoader(getVectorSchemaRoot()).load(copy);
                    }
                } else {
                    try (VectorSchemaRoot combined = VectorSchemaRoot.create(schema, allocator)) {
                        combined.allocateNew();
                        VectorSchemaRootAppender.append(false, combined, taken.toArray(new VectorSchemaRoot[0]));
                        try (ArrowRecordBatch record = new VectorUnloader(combined).getRecordBatch()) {
                            new VectorLoader(getVectorSchemaRoot()).load(record);
                        }
                    }
                }
                return true;
            } finally {
                taken.forEach(VectorSchemaRoot::close);
            }
        }

        /** The next queued batch; null at the end of the input (then {@link #ended} is set) or on abort. */
        private VectorSchemaRoot take() throws IOException {
            try {
                while (true) {
                    if (aborted) {
                        // End the stream cleanly rather than failing it: the native writer then releases
                        // everything it holds, and the operator deletes the partial file.
                        return null;
                    }
                    VectorSchemaRoot next = queue.poll(100, TimeUnit.MILLISECONDS);
                    if (next == END) {
                        ended = true;
                        return null;
                    }
                    if (next != null) {
                        return next;
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            }
        }

        private ArrowRecordBatch copy(ArrowRecordBatch record) {
            List<ArrowBuf> copies = new ArrayList<>(record.getBuffers().size());
            try {
                for (ArrowBuf b : record.getBuffers()) {
                    long n = b.readableBytes();
                    ArrowBuf c = allocator.buffer(n);
                    c.setBytes(0, b, b.readerIndex(), n);
                    c.writerIndex(n);
                    copies.add(c);
                }
                // The record batch takes its own reference to every buffer.
                return new ArrowRecordBatch(record.getLength(), record.getNodes(), copies);
            } finally {
                copies.forEach(ArrowBuf::close);
            }
        }

        @Override
        public long bytesRead() {
            return 0;
        }

        @Override
        protected void closeReadSource() {
        }

        @Override
        protected Schema readSchema() {
            return schema;
        }
    }

    /** Creates a {@link ParquetWriterOperator} per channel. */
    public record Factory(String dir, String writeId) implements OperatorFactory {
        private static final long serialVersionUID = 1L;

        public Factory {
            java.util.Objects.requireNonNull(dir, "dir");
            FileWriters.checkWriteId(writeId);
        }

        @Override
        public Operator create(int channel) {
            return new ParquetWriterOperator(dir, writeId);
        }

        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            return RESULT_SCHEMA;
        }

        @Override
        public String name() {
            return "write-parquet(" + dir + ")";
        }
    }
}
