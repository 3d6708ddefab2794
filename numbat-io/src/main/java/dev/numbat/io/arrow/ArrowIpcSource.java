package dev.numbat.io.arrow;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.io.FilePaths;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.message.ArrowBlock;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Arrow IPC files in the random-access <em>file</em> format (a file, directory or glob). Splits are runs of
 * consecutive record batches of one file, grouped so that there are about {@code targetSplits} of them
 * (never fewer than one per file). All files must have the schema of the first. Dictionary-encoded columns
 * are not supported (USER_ERROR).
 */
public final class ArrowIpcSource implements Source {
    private static final long serialVersionUID = 1L;

    private final String path;
    private transient volatile Schema schema;

    public ArrowIpcSource(String path) {
        this.path = Objects.requireNonNull(path, "path");
    }

    public String path() {
        return path;
    }

    @Override
    public Schema schema() {
        Schema s = schema;
        if (s == null) {
            Path first = FilePaths.expand(path).get(0);
            try (BufferAllocator allocator = new RootAllocator();
                    FileChannel ch = openChannel(first);
                    ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
                s = readSchema(reader, first);
            } catch (IOException e) {
                throw ioError(first, e);
            }
            schema = s;
        }
        return s;
    }

    private static Schema readSchema(ArrowFileReader reader, Path file) {
        try {
            Schema s = reader.getVectorSchemaRoot().getSchema();
            if (s.getFields().stream().anyMatch(f -> f.getDictionary() != null)) {
                throw NumbatException.userError("Arrow file %s has dictionary-encoded columns, which are not supported", file);
            }
            return new Schema(s.getFields());
        } catch (NumbatException e) {
            throw e;
        } catch (Exception e) {
            throw new NumbatException(ErrorCode.USER_ERROR, "invalid Arrow IPC file " + file + ": " + e.getMessage(), e);
        }
    }

    private static FileChannel openChannel(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new NumbatException(ErrorCode.USER_ERROR, "no such Arrow file: " + file, e);
        }
    }

    private static NumbatException ioError(Path file, IOException e) {
        return new NumbatException(ErrorCode.IO_ERROR, "cannot read Arrow file " + file + ": " + e.getMessage(), e);
    }

    @Override
    public List<Split> splits(int targetSplits) {
        List<Path> files = FilePaths.expand(path);
        List<List<ArrowBlock>> blocks = new ArrayList<>();
        long total = 0;
        try (BufferAllocator allocator = new RootAllocator()) {
            for (Path file : files) {
                try (FileChannel ch = openChannel(file); ArrowFileReader reader = new ArrowFileReader(ch, allocator)) {
                    List<ArrowBlock> b = recordBlocks(reader, file);
                    blocks.add(b);
                    for (ArrowBlock x : b) {
                        total += x.getMetadataLength() + x.getBodyLength();
                    }
                } catch (IOException e) {
                    throw ioError(file, e);
                }
            }
        }
        long target = Math.max(1, total / Math.max(1, targetSplits));
        List<Split> splits = new ArrayList<>();
        for (int f = 0; f < files.size(); f++) {
            List<ArrowBlock> b = blocks.get(f);
            String file = files.get(f).toString();
            if (b.isEmpty()) {
                splits.add(new BlockSplit(file, 0, 0, 0));
                continue;
            }
            int first = 0;
            long bytes = 0;
            for (int i = 0; i < b.size(); i++) {
                bytes += b.get(i).getMetadataLength() + b.get(i).getBodyLength();
                if (bytes >= target || i == b.size() - 1) {
                    splits.add(new BlockSplit(file, first, i + 1 - first, bytes));
                    first = i + 1;
                    bytes = 0;
                }
            }
        }
        return splits;
    }

    private static List<ArrowBlock> recordBlocks(ArrowFileReader reader, Path file) {
        try {
            return reader.getRecordBlocks();
        } catch (Exception e) {
            throw new NumbatException(ErrorCode.USER_ERROR, "invalid Arrow IPC file " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        if (!(split instanceof BlockSplit bs)) {
            throw new IllegalArgumentException("not an Arrow IPC split: " + split);
        }
        Schema expected = schema();
        Path file = Path.of(bs.file());
        FileChannel ch = null;
        ArrowFileReader reader = null;
        try {
            ch = openChannel(file);
            reader = new ArrowFileReader(ch, allocator);
            Schema actual = readSchema(reader, file);
            if (!actual.equals(expected)) {
                throw NumbatException.userError("Arrow file %s has schema %s, expected %s (from the first file)",
                        file, actual, expected);
            }
            List<ArrowBlock> blocks = recordBlocks(reader, file);
            if (bs.firstBlock() + bs.blockCount() > blocks.size()) {
                throw NumbatException.userError("Arrow file %s has %d record batches, split %s needs more",
                        file, blocks.size(), bs.describe());
            }
            return new Reader(file, reader, blocks.subList(bs.firstBlock(), bs.firstBlock() + bs.blockCount()),
                    expected, allocator);
        } catch (RuntimeException | IOException e) {
            try {
                if (reader != null) {
                    reader.close();
                } else if (ch != null) {
                    ch.close();
                }
            } catch (IOException ignored) {
                // already failing
            }
            if (e instanceof IOException io) {
                throw ioError(file, io);
            }
            throw (RuntimeException) e;
        }
    }

    @Override
    public String describe() {
        return "arrow(" + path + ")";
    }

    /** Record batches {@code [firstBlock, firstBlock + blockCount)} of one file. */
    public record BlockSplit(String file, int firstBlock, int blockCount, long sizeBytes) implements Split {
        @Override
        public List<String> files() {
            return List.of(file);
        }

        public BlockSplit {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public String describe() {
            return file + " batches " + firstBlock + ".." + (firstBlock + blockCount);
        }
    }

    private static final class Reader implements SplitReader {
        private final Path file;
        private final ArrowFileReader reader;
        private final List<ArrowBlock> blocks;
        private final Schema schema;
        private final BufferAllocator allocator;
        private int next;

        Reader(Path file, ArrowFileReader reader, List<ArrowBlock> blocks, Schema schema, BufferAllocator allocator) {
            this.file = file;
            this.reader = reader;
            this.blocks = blocks;
            this.schema = schema;
            this.allocator = allocator;
        }

        @Override
        public VectorSchemaRoot next() {
            while (next < blocks.size()) {
                ArrowBlock block = blocks.get(next++);
                try {
                    if (!reader.loadRecordBatch(block)) {
                        throw NumbatException.userError("Arrow file %s: record batch %d is missing", file, next - 1);
                    }
                    VectorSchemaRoot root = reader.getVectorSchemaRoot();
                    int rows = root.getRowCount();
                    if (rows == 0) {
                        continue;
                    }
                    List<FieldVector> out = new ArrayList<>();
                    for (FieldVector v : root.getFieldVectors()) {
                        var pair = v.getTransferPair(allocator);
                        pair.transfer();
                        out.add((FieldVector) pair.getTo());
                    }
                    return new VectorSchemaRoot(schema.getFields(), out, rows);
                } catch (IOException e) {
                    throw ioError(file, e);
                } catch (NumbatException e) {
                    throw e;
                } catch (RuntimeException e) {
                    throw new NumbatException(ErrorCode.USER_ERROR,
                            "invalid Arrow IPC file " + file + " (record batch " + (next - 1) + "): " + e.getMessage(), e);
                }
            }
            return null;
        }

        @Override
        public void close() {
            try {
                reader.close();
            } catch (IOException e) {
                throw ioError(file, e);
            }
        }
    }
}
