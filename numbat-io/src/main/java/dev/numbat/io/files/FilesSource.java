package dev.numbat.io.files;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.io.FilePaths;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Arbitrary files (a file, directory or glob) as rows of {@code (path VARCHAR, size BIGINT, content
 * VARBINARY)}, for inputs such as images or documents. Splits are runs of whole files of about
 * {@code splitBytes} each (a file larger than that is a split of its own); a batch holds files until their
 * content reaches {@code batchBytes} (always at least one file). A file must be smaller than 2 GB.
 */
public final class FilesSource implements Source {
    private static final long serialVersionUID = 1L;

    public static final long DEFAULT_SPLIT_BYTES = 64L << 20;
    public static final long DEFAULT_BATCH_BYTES = 16L << 20;

    public static final Schema SCHEMA = new Schema(List.of(
            new Field("path", FieldType.notNullable(ArrowType.Utf8.INSTANCE), null),
            new Field("size", FieldType.notNullable(new ArrowType.Int(64, true)), null),
            new Field("content", FieldType.notNullable(ArrowType.Binary.INSTANCE), null)));

    private final String path;
    private final long splitBytes;
    private final long batchBytes;

    public FilesSource(String path) {
        this(path, DEFAULT_SPLIT_BYTES, DEFAULT_BATCH_BYTES);
    }

    public FilesSource(String path, long splitBytes, long batchBytes) {
        this.path = Objects.requireNonNull(path, "path");
        if (splitBytes <= 0 || batchBytes <= 0) {
            throw NumbatException.userError("split and batch sizes must be positive, got %d and %d", splitBytes, batchBytes);
        }
        this.splitBytes = splitBytes;
        this.batchBytes = batchBytes;
    }

    public String path() {
        return path;
    }

    public long splitBytes() {
        return splitBytes;
    }

    public long batchBytes() {
        return batchBytes;
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public List<Split> splits(int targetSplits) {
        List<Split> splits = new ArrayList<>();
        List<String> group = new ArrayList<>();
        long bytes = 0;
        for (Path file : FilePaths.expand(path)) {
            long size = size(file);
            if (!group.isEmpty() && bytes + size > splitBytes) {
                splits.add(new FilesSplit(List.copyOf(group), bytes));
                group.clear();
                bytes = 0;
            }
            group.add(file.toString());
            bytes += size;
        }
        if (!group.isEmpty()) {
            splits.add(new FilesSplit(List.copyOf(group), bytes));
        }
        return splits;
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            throw new NumbatException(ErrorCode.USER_ERROR, "no such file: " + file, e);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot stat " + file + ": " + e, e);
        }
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        if (!(split instanceof FilesSplit fs)) {
            throw new IllegalArgumentException("not a files split: " + split);
        }
        List<String> files = fs.files();
        return new SplitReader() {
            int next;

            @Override
            public VectorSchemaRoot next() {
                if (next >= files.size()) {
                    return null;
                }
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                try {
                    VarCharVector paths = (VarCharVector) root.getVector(0);
                    BigIntVector sizes = (BigIntVector) root.getVector(1);
                    VarBinaryVector contents = (VarBinaryVector) root.getVector(2);
                    int row = 0;
                    long bytes = 0;
                    while (next < files.size() && (row == 0 || bytes < batchBytes)) {
                        Path file = Path.of(files.get(next));
                        if (row > 0 && bytes + size(file) > batchBytes) {
                            break; // keeps the batch within budget; the file starts the next one
                        }
                        byte[] content = read(file);
                        next++;
                        paths.setSafe(row, file.toString().getBytes(StandardCharsets.UTF_8));
                        sizes.setSafe(row, content.length);
                        contents.setSafe(row, content);
                        bytes += content.length;
                        row++;
                    }
                    root.setRowCount(row);
                    return root;
                } catch (RuntimeException e) {
                    root.close();
                    throw e;
                }
            }

            @Override
            public void close() {
            }
        };
    }

    private static byte[] read(Path file) {
        try {
            long size = Files.size(file);
            if (size > Integer.MAX_VALUE - 64) {
                throw NumbatException.userError("file %s is %d bytes; files over 2 GB cannot be read as one value", file, size);
            }
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new NumbatException(ErrorCode.USER_ERROR, "file disappeared while reading: " + file, e);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot read " + file + ": " + e, e);
        }
    }

    @Override
    public String describe() {
        return "files(" + path + ")";
    }

    /** Whole files, read in this order. */
    public record FilesSplit(List<String> files, long sizeBytes) implements Split {
        public FilesSplit {
            files = List.copyOf(files);
        }

        @Override
        public String describe() {
            return files.size() == 1 ? files.get(0) : files.get(0) + " and " + (files.size() - 1) + " more";
        }
    }
}
