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
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.dataset.file.FileFormat;
import org.apache.arrow.dataset.file.FileSystemDatasetFactory;
import org.apache.arrow.dataset.jni.NativeMemoryPool;
import org.apache.arrow.dataset.scanner.ScanOptions;
import org.apache.arrow.dataset.scanner.Scanner;
import org.apache.arrow.dataset.source.Dataset;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.schema.MessageType;

/**
 * Parquet files (a file, a directory or a glob) with column projection, row-group splits and row-group
 * pruning by a {@link ParquetFilter}.
 *
 * <p>Two readers, one schema. A split that covers a whole file is read by Arrow's native dataset scanner
 * (arrow-dataset, JNI), the fastest route; Arrow Java 18.3's dataset API cannot scan a single row group or
 * a byte range, so a split that covers only some row groups of a file ({@link RowGroupSplit}) is read by a
 * pure-Java reader (parquet-java) that decodes just those row groups into Arrow vectors. Both produce the
 * schema the native scanner reports for the first file ({@link #schema()}), with the same values.
 *
 * <p>Splits ({@link #splits}): footers are read (and cached by this instance), row groups whose statistics
 * rule out the filter are dropped, and the remaining row groups are grouped into runs of about
 * {@code totalBytes / targetSplits} bytes, never less than one row group. A file whose row groups are all
 * kept and that fits one split stays one {@link FileSplit}. Files with columns the Java reader cannot decode
 * (nested types, INT96 timestamps, ...) are always read whole, by the native reader.
 *
 * <p>The filter prunes row groups only: rows of a kept row group are all returned, whichever reader reads
 * them, so <b>the consumer must still apply the predicate</b>. {@link #plan} reports how many row groups
 * were pruned.
 *
 * <p>Types: Parquet DATE (logical or legacy converted type) reads as DateDay, DECIMAL as Decimal128.
 * Batches returned by a reader are allocated from the allocator passed to {@link #open} and hold no other
 * memory: they may outlive the reader and move to other allocators.
 */
public final class ParquetSource implements Source {
    private static final long serialVersionUID = 1L;

    /** Rows per batch when none is given. */
    public static final int DEFAULT_BATCH_SIZE = 65_536;

    /**
     * Files (of projected bytes) smaller than this are read whole even when that makes fewer splits than
     * asked for: the native reader decodes one file on all cores and is several times faster per core than
     * the Java row-group reader, so splitting a small file only pays on a cluster.
     */
    public static final long DEFAULT_ROW_GROUP_SPLIT_BYTES = 256L << 20;

    private final String path;
    private final List<String> columns;
    private final int batchSize;
    private final ParquetFilter filter;
    private final long rowGroupSplitBytes;
    private transient volatile Schema schema;
    /** Footers read by {@link #plan}, reused by readers opened in this JVM; not serialized. */
    private transient volatile Map<String, ParquetMetadata> footers;

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
        this(path, columns, batchSize, null, DEFAULT_ROW_GROUP_SPLIT_BYTES);
    }

    private ParquetSource(String path, List<String> columns, int batchSize, ParquetFilter filter,
            long rowGroupSplitBytes) {
        this.filter = filter;
        if (rowGroupSplitBytes < 0) {
            throw NumbatException.userError("row-group split size must not be negative, got %d", rowGroupSplitBytes);
        }
        this.rowGroupSplitBytes = rowGroupSplitBytes;
        this.path = Objects.requireNonNull(path, "path");
        this.columns = columns == null ? null : List.copyOf(columns);
        if (batchSize <= 0) {
            throw NumbatException.userError("batch size must be positive, got %d", batchSize);
        }
        this.batchSize = batchSize;
    }

    /** The same files with only {@code columns}, in that order. */
    public ParquetSource withColumns(List<String> columns) {
        return new ParquetSource(path, columns, batchSize, filter, rowGroupSplitBytes);
    }

    public ParquetSource withBatchSize(int batchSize) {
        return new ParquetSource(path, columns, batchSize, filter, rowGroupSplitBytes);
    }

    /**
     * The same files, skipping row groups whose statistics prove that no row satisfies {@code filter}
     * ({@code null}: no filter). Rows are not filtered: the consumer must still apply the predicate.
     */
    public ParquetSource withFilter(ParquetFilter filter) {
        return new ParquetSource(path, columns, batchSize, filter, rowGroupSplitBytes);
    }

    /**
     * The same files, split into runs of row groups only when a file has at least {@code bytes} of projected
     * data (0: whenever more splits are asked for than there are files). Files with pruned row groups are
     * always read by row group.
     */
    public ParquetSource withRowGroupSplitBytes(long bytes) {
        return new ParquetSource(path, columns, batchSize, filter, bytes);
    }

    /** The row-group filter, or {@code null}. */
    public ParquetFilter filter() {
        return filter;
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

    /** See {@link #withRowGroupSplitBytes}. */
    public long rowGroupSplitBytes() {
        return rowGroupSplitBytes;
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
        return plan(targetSplits).splits();
    }

    /**
     * Splits and what pruning did: {@code rowGroups} in all files, {@code rowGroupsPruned} of them skipped
     * because their statistics rule out the filter.
     */
    public record ScanPlan(List<Split> splits, int files, int rowGroups, int rowGroupsPruned) {
        public ScanPlan {
            splits = List.copyOf(splits);
        }
    }

    /** The splits of {@link #splits} with pruning figures; reads (and caches) every file's footer. */
    public ScanPlan plan(int targetSplits) {
        Schema expected = schema();
        List<Path> paths = FilePaths.expand(path);
        List<FilePlan> files = new ArrayList<>(paths.size());
        long totalBytes = 0;
        int rowGroups = 0;
        int pruned = 0;
        for (Path file : paths) {
            ParquetMetadata footer = footer(file);
            MessageType fileSchema = footer.getFileMetaData().getSchema();
            List<BlockMetaData> blocks = footer.getBlocks();
            RowGroupPruner pruner = filter == null ? null : new RowGroupPruner(filter, fileSchema, file);
            boolean javaReadable = javaReadable(fileSchema, expected);
            List<Integer> kept = new ArrayList<>(blocks.size());
            List<Long> bytes = new ArrayList<>(blocks.size());
            long fileBytes = 0;
            for (int g = 0; g < blocks.size(); g++) {
                if (pruner == null || pruner.mayMatch(blocks.get(g))) {
                    kept.add(g);
                    long b = projectedBytes(blocks.get(g), expected);
                    bytes.add(b);
                    fileBytes += b;
                }
            }
            rowGroups += blocks.size();
            if (kept.isEmpty() && !blocks.isEmpty()) {
                pruned += blocks.size();
                continue;
            }
            if (!javaReadable || blocks.isEmpty()) {
                // Only the native reader can read it, and only whole: keep every row group.
                fileBytes = 0;
                for (BlockMetaData b : blocks) {
                    fileBytes += projectedBytes(b, expected);
                }
                files.add(new FilePlan(file, blocks.size(), null, null, fileBytes));
            } else {
                pruned += blocks.size() - kept.size();
                files.add(new FilePlan(file, blocks.size(), kept, bytes, fileBytes));
            }
            totalBytes += fileBytes;
        }
        long perSplit = Math.max(1, (totalBytes + Math.max(1, targetSplits) - 1) / Math.max(1, targetSplits));
        List<Split> splits = new ArrayList<>();
        for (FilePlan f : files) {
            boolean whole = f.kept() == null || (f.kept().size() == f.groups()
                    && (f.bytes() <= perSplit || f.bytes() < rowGroupSplitBytes));
            if (whole) {
                splits.add(new FileSplit(f.file().toString(), f.bytes()));
                continue;
            }
            List<RowGroupSplit> runs = new ArrayList<>();
            List<Integer> run = new ArrayList<>();
            long runBytes = 0;
            for (int k = 0; k < f.kept().size(); k++) {
                run.add(f.kept().get(k));
                runBytes += f.groupBytes().get(k);
                if (runBytes >= perSplit) {
                    runs.add(new RowGroupSplit(f.file().toString(), run, runBytes));
                    run = new ArrayList<>();
                    runBytes = 0;
                }
            }
            if (!run.isEmpty()) {
                runs.add(new RowGroupSplit(f.file().toString(), run, runBytes));
            }
            if (runs.size() == 1 && f.kept().size() == f.groups()) {
                splits.add(new FileSplit(f.file().toString(), f.bytes()));
            } else {
                splits.addAll(runs);
            }
        }
        return new ScanPlan(splits, paths.size(), rowGroups, pruned);
    }

    /** One file's part of a plan; {@code kept == null} means read whole by the native reader. */
    private record FilePlan(Path file, int groups, List<Integer> kept, List<Long> groupBytes, long bytes) {
    }

    /** Compressed bytes of the projected columns (all of the row group when nothing is projected). */
    private static long projectedBytes(BlockMetaData block, Schema expected) {
        if (expected.getFields().isEmpty()) {
            return Math.max(1, block.getCompressedSize());
        }
        long bytes = 0;
        for (ColumnChunkMetaData c : block.getColumns()) {
            String[] p = c.getPath().toArray();
            if (p.length > 0 && findField(expected, p[0]) != null) {
                bytes += c.getTotalSize();
            }
        }
        return Math.max(1, bytes);
    }

    private static boolean javaReadable(MessageType fileSchema, Schema expected) {
        for (Field f : expected.getFields()) {
            if (!fileSchema.containsField(f.getName())
                    || RowGroupReader.decoding(fileSchema.getType(f.getName()), f) == null) {
                return false;
            }
        }
        return true;
    }

    /**
     * The footer of every file at {@link #path()} (row counts and per-row-group column statistics), in file
     * order; read once and cached by this instance, like the footers {@link #plan} reads.
     */
    public List<ParquetMetadata> footers() {
        List<ParquetMetadata> out = new ArrayList<>();
        for (Path file : FilePaths.expand(path)) {
            out.add(footer(file));
        }
        return out;
    }

    private ParquetMetadata footer(Path file) {
        Map<String, ParquetMetadata> cache = footers;
        if (cache == null) {
            cache = new ConcurrentHashMap<>();
            footers = cache;
        }
        ParquetMetadata footer = cache.get(file.toString());
        if (footer == null) {
            if (!Files.isRegularFile(file)) {
                throw new NumbatException(ErrorCode.USER_ERROR, "no such Parquet file: " + file);
            }
            footer = FooterCache.get(file, () -> {
                try (ParquetFileReader reader = ParquetFileReader.open(new LocalInputFile(file))) {
                    return reader.getFooter();
                } catch (Throwable e) {
                    throw badFile(file, e);
                }
            });
            cache.put(file.toString(), footer);
        }
        return footer;
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        Objects.requireNonNull(allocator, "allocator");
        if (split instanceof FileSplit fs) {
            return new Reader(Path.of(fs.file()), schema(), allocator);
        }
        if (split instanceof RowGroupSplit rs) {
            Map<String, ParquetMetadata> cache = footers;
            ParquetMetadata footer = cache == null ? null : cache.get(rs.file());
            return new RowGroupReader(Path.of(rs.file()), footer, rs.rowGroups(), schema(), batchSize, allocator);
        }
        throw new IllegalArgumentException("not a Parquet split: " + split);
    }

    @Override
    public String describe() {
        return "parquet(" + path + (columns == null ? "" : ", columns=" + columns)
                + (filter == null ? "" : ", row groups where " + filter) + ")";
    }

    /** One whole Parquet file. */
    public record FileSplit(String file, long sizeBytes) implements Split {
        @Override
        public List<String> files() {
            return List.of(file);
        }

        public FileSplit {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String describe() {
            return file;
        }
    }

    /** Some row groups of a Parquet file (by index in its footer), read by the pure-Java reader. */
    public record RowGroupSplit(String file, List<Integer> rowGroups, long sizeBytes) implements Split {
        @Override
        public List<String> files() {
            return List.of(file);
        }

        public RowGroupSplit {
            Objects.requireNonNull(file, "file");
            rowGroups = List.copyOf(rowGroups);
            if (rowGroups.isEmpty()) {
                throw new IllegalArgumentException("no row groups");
            }
        }

        @Override
        public String describe() {
            return file + " row groups " + rowGroups;
        }
    }

    /**
     * A whole file through the native scanner. The scanner imports batches through the C data interface, and
     * their buffers are handed on (transferred, not copied) to the caller's allocator. Every imported batch
     * also pins a small native {@code ArrowArray} struct (128 bytes) in the allocator that imported it until
     * its last buffer is released, which may be long after this reader closed (the batch moved downstream).
     * So the import allocator is a child of the caller's <em>root</em>, not of the caller's allocator (which
     * may close first), and it closes itself when the reader is closed and the last such struct is released
     * ({@link ImportAllocator}); a batch still alive when the root closes is reported as a leak, as it should.
     */
    private final class Reader implements SplitReader {
        private final Path file;
        private final Schema expected;
        private final BufferAllocator allocator;
        private ImportAllocator imports;
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
                imports = new ImportAllocator(allocator.getRoot(), "parquet-import(" + file.getFileName() + ")");
                factory = newFactory(imports.allocator(), file);
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
                    return transfer(root, expected, allocator);
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
            for (AutoCloseable c : new AutoCloseable[] {reader, scanner, dataset, factory, imports}) {
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
            imports = null;
            if (failure != null) {
                throw new NumbatException(ErrorCode.IO_ERROR, "closing Parquet reader of " + file + ": " + failure, failure);
            }
        }
    }

    /**
     * The allocator the native scanner imports into: a child of the root that closes once it is both closed
     * by its reader and empty, whichever happens last (the last release may come from another thread, when
     * a downstream channel closes a batch).
     */
    static final class ImportAllocator implements AutoCloseable {
        private final BufferAllocator allocator;
        private boolean closeRequested;
        private boolean closed;

        ImportAllocator(BufferAllocator root, String name) {
            this.allocator = root.newChildAllocator(name, new AllocationListener() {
                @Override
                public void onRelease(long size) {
                    closeIfDone();
                }
            }, 0, Long.MAX_VALUE);
        }

        BufferAllocator allocator() {
            return allocator;
        }

        private synchronized void closeIfDone() {
            if (closeRequested && !closed && allocator.getAllocatedMemory() == 0) {
                closed = true;
                allocator.close();
            }
        }

        @Override
        public void close() {
            synchronized (this) {
                closeRequested = true;
            }
            closeIfDone();
        }
    }

    /** Moves {@code src}'s buffers (without copying) into a new batch of {@code schema} in {@code allocator}. */
    static VectorSchemaRoot transfer(VectorSchemaRoot src, Schema schema, BufferAllocator allocator) {
        VectorSchemaRoot out = VectorSchemaRoot.create(schema, allocator);
        try {
            List<FieldVector> from = src.getFieldVectors();
            List<FieldVector> to = out.getFieldVectors();
            for (int i = 0; i < to.size(); i++) {
                from.get(i).makeTransferPair(to.get(i)).transfer();
            }
            out.setRowCount(src.getRowCount());
            return out;
        } catch (Throwable e) {
            out.close();
            throw e;
        }
    }
}
