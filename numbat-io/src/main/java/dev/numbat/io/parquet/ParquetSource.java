package dev.numbat.io.parquet;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.io.FilePaths;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Parquet files (a file, a directory or a glob) read through Arrow's native dataset scanner (arrow-dataset,
 * JNI). Column projection is pushed into the scanner, so unread columns are never decoded.
 *
 * <p>Splits: one per file. Arrow Java 18.3's dataset API cannot scan a single row group or a byte range of a
 * file (no Parquet fragment scan options are exposed, and the native Substrait consumer rejects
 * {@code FileOrFiles.start/length}), so row-group splits are not possible through it.
 *
 * <p>Types: Parquet DATE (logical or legacy converted type) reads as DateDay, DECIMAL as Decimal128.
 * Batches returned by a reader are imported into the allocator passed to {@link #open}.
 */
public final class ParquetSource implements Source {
    private static final long serialVersionUID = 1L;

    /** Rows per batch when none is given. */
    public static final int DEFAULT_BATCH_SIZE = 65_536;

    private final String path;
    private final List<String> columns;
    private final int batchSize;
    private transient volatile Schema schema;

    /** All columns of the files at {@code path}, in batches of {@link #DEFAULT_BATCH_SIZE} rows. */
    public ParquetSource(String path) {
        this(path, null, DEFAULT_BATCH_SIZE);
    }

    /**
     * @param path a Parquet file, a directory of them, or a glob
     * @param columns the columns to read, in this order; {@code null} for all
     * @param batchSize the maximum rows per batch
     */
    public ParquetSource(String path, List<String> columns, int batchSize) {
        this.path = Objects.requireNonNull(path, "path");
        this.columns = columns == null ? null : List.copyOf(columns);
        if (batchSize <= 0) {
            throw NumbatException.userError("batch size must be positive, got %d", batchSize);
        }
        this.batchSize = batchSize;
    }

    /** The same files with only {@code columns}, in that order. */
    public ParquetSource withColumns(List<String> columns) {
        return new ParquetSource(path, columns, batchSize);
    }

    public ParquetSource withBatchSize(int batchSize) {
        return new ParquetSource(path, columns, batchSize);
    }

    public String path() {
        return path;
    }

    /** The projected columns, or {@code null} for all. */
    public List<String> columns() {
        return columns;
    }

    public int batchSize() {
        return batchSize;
    }

    @Override
    public Schema schema() {
        Schema s = schema;
        if (s == null) {
            Path first = FilePaths.expand(path).get(0);
            Schema full = inspect(first);
            s = project(full, first);
            schema = s;
        }
        return s;
    }

    private Schema project(Schema full, Path file) {
        List<Field> fields = new ArrayList<>();
        if (columns == null) {
            fields.addAll(full.getFields());
        } else {
            for (String c : columns) {
                Field f = findField(full, c);
                if (f == null) {
                    throw NumbatException.userError("column %s not found in %s; it has %s", c, file,
                            full.getFields().stream().map(Field::getName).toList());
                }
                fields.add(f);
            }
        }
        // Drop schema-level metadata (Parquet key/value metadata) so batches compare equal across files.
        return new Schema(fields);
    }

    private static Field findField(Schema schema, String name) {
        for (Field f : schema.getFields()) {
            if (f.getName().equals(name)) {
                return f;
            }
        }
        return null;
    }

    private static Schema inspect(Path file) {
        try (BufferAllocator allocator = new RootAllocator();
                FileSystemDatasetFactory factory = newFactory(allocator, file)) {
            return factory.inspect();
        } catch (NumbatException e) {
            throw e;
        } catch (RuntimeException e) {
            throw badFile(file, e);
        }
    }

    private static FileSystemDatasetFactory newFactory(BufferAllocator allocator, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new NumbatException(ErrorCode.USER_ERROR, "no such Parquet file: " + file);
        }
        return new FileSystemDatasetFactory(allocator, NativeMemoryPool.getDefault(), FileFormat.PARQUET,
                file.toAbsolutePath().toUri().toString());
    }

    static NumbatException badFile(Path file, Throwable e) {
        if (e instanceof NumbatException n) {
            return n;
        }
        String msg = e.getMessage() == null ? e.toString() : e.getMessage().strip();
        if (!Files.isReadable(file)) {
            return new NumbatException(ErrorCode.USER_ERROR, "cannot read Parquet file " + file + ": " + msg, e);
        }
        if (e instanceof IOException) {
            return new NumbatException(ErrorCode.IO_ERROR, "I/O error reading Parquet file " + file + ": " + msg, e);
        }
        return new NumbatException(ErrorCode.USER_ERROR, "invalid Parquet file " + file + ": " + msg, e);
    }

    @Override
    public List<Split> splits(int targetSplits) {
        List<Split> splits = new ArrayList<>();
        for (Path file : FilePaths.expand(path)) {
            long size;
            try {
                size = Files.size(file);
            } catch (IOException e) {
                throw new NumbatException(ErrorCode.IO_ERROR, "cannot stat " + file + ": " + e.getMessage(), e);
            }
            splits.add(new FileSplit(file.toString(), size));
        }
        return splits;
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        Objects.requireNonNull(allocator, "allocator");
        if (!(split instanceof FileSplit fs)) {
            throw new IllegalArgumentException("not a Parquet split: " + split);
        }
        return new Reader(Path.of(fs.file()), schema(), allocator);
    }

    @Override
    public String describe() {
        return "parquet(" + path + (columns == null ? "" : ", columns=" + columns) + ")";
    }

    /** One whole Parquet file. */
    public record FileSplit(String file, long sizeBytes) implements Split {
        public FileSplit {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String describe() {
            return file;
        }
    }

    private final class Reader implements SplitReader {
        private final Path file;
        private final Schema expected;
        private final BufferAllocator allocator;
        private FileSystemDatasetFactory factory;
        private Dataset dataset;
        private Scanner scanner;
        private ArrowReader reader;
        private boolean done;

        Reader(Path file, Schema expected, BufferAllocator allocator) {
            this.file = file;
            this.expected = expected;
            this.allocator = allocator;
            try {
                factory = newFactory(allocator, file);
                dataset = factory.finish();
                ScanOptions options = new ScanOptions.Builder(batchSize)
                        .columns(Optional.ofNullable(columns == null ? null : columns.toArray(new String[0])))
                        .build();
                scanner = dataset.newScan(options);
                reader = scanner.scanBatches();
                Schema actual = new Schema(reader.getVectorSchemaRoot().getSchema().getFields());
                if (!actual.equals(expected)) {
                    throw NumbatException.userError("Parquet file %s has schema %s, expected %s (from the first file)",
                            file, actual, expected);
                }
            } catch (Throwable e) {
                close();
                throw badFile(file, e);
            }
        }

        @Override
        public VectorSchemaRoot next() {
            if (done) {
                return null;
            }
            try {
                while (reader.loadNextBatch()) {
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    int rows = root.getRowCount();
                    if (rows == 0) {
                        continue;
                    }
                    List<FieldVector> out = new ArrayList<>(root.getFieldVectors().size());
                    for (FieldVector v : root.getFieldVectors()) {
                        // The reader's root is refilled on the next load: move the buffers out of it.
                        var pair = v.getTransferPair(allocator);
                        pair.transfer();
                        out.add((FieldVector) pair.getTo());
                    }
                    return new VectorSchemaRoot(expected.getFields(), out, rows);
                }
            } catch (Throwable e) {
                throw badFile(file, e);
            }
            done = true;
            return null;
        }

        @Override
        public void close() {
            // Close in reverse order of creation; each one releases native resources.
            Throwable failure = null;
            for (AutoCloseable c : new AutoCloseable[] {reader, scanner, dataset, factory}) {
                if (c == null) {
                    continue;
                }
                try {
                    c.close();
                } catch (Throwable e) {
                    if (failure == null) {
                        failure = e;
                    }
                }
            }
            reader = null;
            scanner = null;
            dataset = null;
            factory = null;
            if (failure != null) {
                throw new NumbatException(ErrorCode.IO_ERROR, "closing Parquet reader of " + file + ": " + failure, failure);
            }
        }
    }
}
