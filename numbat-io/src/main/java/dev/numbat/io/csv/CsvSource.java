package dev.numbat.io.csv;

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
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * CSV files as a {@link Source}: a file, a directory or a glob (see {@link FilePaths}), read with
 * {@link CsvOptions}. Files are split into byte ranges aligned to line ends, so one large file is read by
 * many channels; each line is read by exactly one split (the one its first byte lies in).
 *
 * <p>Fields are never trimmed (TPC-H text begins and ends with spaces); spaces around numbers, dates and
 * booleans are ignored when parsing them. Lines may end in {@code \n} or {@code \r\n}; empty lines are
 * skipped. Strings are copied as bytes and not checked to be valid UTF-8.
 *
 * <p>Without an explicit schema the schema is inferred from the start of the first file, once, and then
 * travels with the source when it is serialized so that every executor reads with the same schema.
 */
public final class CsvSource implements Source {
    private static final long serialVersionUID = 1L;

    private final String path;
    private final CsvOptions options;
    /** The inferred schema as Arrow JSON once known (serialized, so executors do not infer again). */
    private volatile String inferredSchemaJson;
    private transient volatile Schema schema;

    public CsvSource(String path) {
        this(path, CsvOptions.defaults());
    }

    public CsvSource(String path, CsvOptions options) {
        this.path = Objects.requireNonNull(path, "path");
        this.options = Objects.requireNonNull(options, "options");
    }

    public String path() {
        return path;
    }

    public CsvOptions options() {
        return options;
    }

    @Override
    public Schema schema() {
        Schema s = schema;
        if (s != null) {
            return s;
        }
        s = options.schema();
        if (s == null && inferredSchemaJson != null) {
            try {
                s = Schema.fromJSON(inferredSchemaJson);
            } catch (IOException e) {
                throw NumbatException.internal("cannot read back inferred CSV schema", e);
            }
        }
        if (s == null) {
            s = CsvSchemaInference.infer(FilePaths.expand(path).get(0), options);
            inferredSchemaJson = s.toJson();
        }
        schema = s;
        return s;
    }

    /**
     * One or more byte ranges per file, aiming at {@code targetSplits} over all files but never cutting a
     * range smaller than {@link CsvOptions#minSplitBytes()}. With quoted newlines allowed, one split per file.
     */
    @Override
    public List<Split> splits(int targetSplits) {
        List<Path> files = FilePaths.expand(path);
        long[] sizes = new long[files.size()];
        long total = 0;
        for (int i = 0; i < sizes.length; i++) {
            try {
                sizes[i] = Files.size(files.get(i));
            } catch (IOException e) {
                throw new NumbatException(ErrorCode.IO_ERROR, "cannot stat CSV file " + files.get(i) + ": " + e, e);
            }
            total += sizes[i];
        }
        long splitSize = Math.max(options.minSplitBytes(), ceilDiv(total, Math.max(1, targetSplits)));
        List<Split> splits = new ArrayList<>();
        for (int i = 0; i < sizes.length; i++) {
            String file = files.get(i).toString();
            long size = sizes[i];
            long n = options.allowQuotedNewlines() ? 1 : Math.max(1, size / splitSize);
            for (long k = 0; k < n; k++) {
                // Multiply before dividing so the ranges cover [0, size) exactly.
                long start = multiplyDivide(size, k, n);
                long end = multiplyDivide(size, k + 1, n);
                splits.add(new CsvSplit(file, start, end));
            }
        }
        return splits;
    }

    private static long ceilDiv(long a, long b) {
        return (a + b - 1) / b;
    }

    private static long multiplyDivide(long size, long k, long n) {
        return java.math.BigInteger.valueOf(size).multiply(java.math.BigInteger.valueOf(k))
                .divide(java.math.BigInteger.valueOf(n)).longValueExact();
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        Objects.requireNonNull(allocator, "allocator");
        if (!(split instanceof CsvSplit csv)) {
            throw new IllegalArgumentException("not a CSV split: " + split.describe());
        }
        return new CsvSplitReader(csv, schema(), options, allocator);
    }

    @Override
    public String describe() {
        return "csv(" + path + ")";
    }

    @Override
    public String toString() {
        return describe();
    }
}
