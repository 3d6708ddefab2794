package dev.numbat.io.csv;

import dev.numbat.core.source.Split;
import java.util.List;

/**
 * The rows of one CSV file whose first byte lies in {@code [start, end)}. The path is kept as a string so
 * the split serializes without a file system.
 */
public record CsvSplit(String path, long start, long end) implements Split {
    @Override
    public List<String> files() {
        return List.of(path);
    }

    public CsvSplit {
        java.util.Objects.requireNonNull(path, "path");
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("bad CSV byte range [" + start + ", " + end + ") of " + path);
        }
    }

    @Override
    public long sizeBytes() {
        return end - start;
    }

    @Override
    public String describe() {
        return path + " [" + start + ", " + end + ")";
    }
}
