package dev.numbat.io.write;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.OperatorFactory;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Entry points for writing a stream into a directory, one file per channel:
 * {@code part-<channel, 5 digits>-<writeId>.<ext>}. Pick a fresh {@code writeId} per write job (it must be
 * letters, digits, {@code -} or {@code _}); after a failed job call {@link #cleanup} with the same id.
 */
public final class FileWriters {
    private static final Pattern WRITE_ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    private FileWriters() {
    }

    /** Writes Parquet files ({@code .parquet}) through Arrow's native dataset writer. */
    public static OperatorFactory parquet(String dir, String writeId) {
        return new ParquetWriterOperator.Factory(dir, writeId);
    }

    /** Writes CSV files ({@code .csv}) with the given options. */
    public static OperatorFactory csv(String dir, String writeId, CsvWriteOptions options) {
        return new CsvWriterOperator.Factory(dir, writeId, options);
    }

    /** Writes CSV files with a header and comma delimiter. */
    public static OperatorFactory csv(String dir, String writeId) {
        return csv(dir, writeId, CsvWriteOptions.DEFAULT);
    }

    /** Writes Arrow IPC files ({@code .arrow}, the random-access file format). */
    public static OperatorFactory arrow(String dir, String writeId) {
        return new ArrowIpcWriterOperator.Factory(dir, writeId);
    }

    /**
     * Deletes every file a write with {@code writeId} left in {@code dir}, committed or temporary; used when
     * the job failed. Returns how many entries were deleted. A missing directory is not an error.
     */
    public static int cleanup(String dir, String writeId) {
        checkWriteId(writeId);
        Path d = Path.of(Objects.requireNonNull(dir, "dir"));
        if (!Files.isDirectory(d)) {
            return 0;
        }
        Pattern mine = Pattern.compile("\\.?part-\\d+-" + Pattern.quote(writeId) + "\\..+");
        List<Path> doomed = new ArrayList<>();
        try (Stream<Path> entries = Files.list(d)) {
            entries.filter(p -> mine.matcher(p.getFileName().toString()).matches()).forEach(doomed::add);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot list " + d + ": " + e, e);
        }
        doomed.forEach(FileWriters::deleteRecursively);
        return doomed.size();
    }

    static String fileName(int channel, String writeId, String extension) {
        return String.format("part-%05d-%s.%s", channel, writeId, extension);
    }

    static String checkWriteId(String writeId) {
        Objects.requireNonNull(writeId, "writeId");
        if (!WRITE_ID.matcher(writeId).matches()) {
            throw NumbatException.userError("write id must be 1-100 letters, digits, '-' or '_', got '%s'", writeId);
        }
        return writeId;
    }

    static void deleteRecursively(Path path) {
        try {
            if (Files.isDirectory(path, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                Files.walkFileTree(path, new SimpleFileVisitor<>() {
                    @Override
                    public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                        Files.deleteIfExists(file);
                        return FileVisitResult.CONTINUE;
                    }

                    @Override
                    public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                        Files.deleteIfExists(dir);
                        return FileVisitResult.CONTINUE;
                    }
                });
            } else {
                Files.deleteIfExists(path);
            }
        } catch (NoSuchFileException e) {
            // already gone
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot delete " + path + ": " + e, e);
        }
    }
}
