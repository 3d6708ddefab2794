package dev.numbat.plan.catalog;

import dev.numbat.core.source.Source;
import dev.numbat.core.source.SplitReader;
import dev.numbat.io.FilePaths;
import dev.numbat.io.csv.CsvSource;
import dev.numbat.io.csv.CsvSplit;
import dev.numbat.io.parquet.ParquetSource;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.parquet.column.statistics.Statistics;
import org.apache.parquet.hadoop.metadata.BlockMetaData;
import org.apache.parquet.hadoop.metadata.ColumnChunkMetaData;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.io.api.Binary;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.PrimitiveType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes {@link TableStats} of a source, once per {@link SourceTable} (which caches them).
 *
 * <ul>
 *   <li>Parquet: from the footers only (no data is read). The row count is the sum of the row groups' counts;
 *       a column's minimum is the least of the row groups' minimums, its maximum the greatest maximum, its null
 *       count the sum. A column that lacks statistics in any row group has no range (its bounds would not be
 *       bounds). Decimals are scaled, dates are days, timestamps milliseconds, strings are kept as strings. The
 *       distinct count of an integer or date column is {@code min(non-null rows, max - min + 1)}: exact for
 *       dense keys and small domains, an upper bound otherwise.</li>
 *   <li>CSV: from the rows whose line starts in the first {@link #CSV_SAMPLE_BYTES} bytes of the first file.
 *       The row count is the total size of the files over the sampled bytes per row (exact when the sample is
 *       all there is); null counts scale with it; bounds are the sample's; a column whose sampled values are
 *       mostly distinct is taken to stay so (distinct count scales with the rows), else its sampled distinct
 *       count is taken as all there is.</li>
 *   <li>Anything else: none.</li>
 * </ul>
 */
final class TableStatsCollector {
    private static final Logger LOG = LoggerFactory.getLogger(TableStatsCollector.class);

    /** How much of a CSV file the sample reads. */
    static final long CSV_SAMPLE_BYTES = 1L << 20;

    private static final int MAX_TRACKED_DISTINCT = 100_000;

    private TableStatsCollector() {
    }

    /** The statistics of {@code source}, or {@code null} when there are none or they cannot be read. */
    static TableStats collect(Source source) {
        try {
            if (source instanceof ParquetSource parquet) {
                return fromParquet(parquet);
            }
            if (source instanceof CsvSource csv) {
                return fromCsvSample(csv, CSV_SAMPLE_BYTES);
            }
        } catch (RuntimeException | IOException e) {
            LOG.debug("no statistics for {}: {}", source.describe(), e.toString());
        }
        return null;
    }

    static TableStats fromParquet(ParquetSource source) {
        long rows = 0;
        Map<String, Acc> columns = new LinkedHashMap<>();
        for (ParquetMetadata footer : source.footers()) {
            for (BlockMetaData block : footer.getBlocks()) {
                rows += block.getRowCount();
                for (ColumnChunkMetaData chunk : block.getColumns()) {
                    String[] path = chunk.getPath().toArray();
                    if (path.length != 1) {
                        continue; // nested
                    }
                    PrimitiveType type = chunk.getPrimitiveType();
                    Acc acc = columns.computeIfAbsent(path[0], k -> new Acc(discrete(type)));
                    acc.add(block.getRowCount(), chunk.getStatistics(), type);
                }
            }
        }
        Map<String, ColumnStats> stats = new LinkedHashMap<>();
        for (Map.Entry<String, Acc> e : columns.entrySet()) {
            ColumnStats c = e.getValue().toStats(rows);
            if (c != null) {
                stats.put(e.getKey(), c);
            }
        }
        return new TableStats(rows, true, stats);
    }

    /** Per-column totals over row groups. */
    private static final class Acc {
        final boolean discrete;
        boolean noRange;
        boolean noNulls;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        String minString;
        String maxString;
        long nulls;
        long rowsWithValues;

        Acc(boolean discrete) {
            this.discrete = discrete;
        }

        void add(long groupRows, Statistics<?> st, PrimitiveType type) {
            if (st == null || st.isEmpty()) {
                noRange = true;
                noNulls = true;
                return;
            }
            if (st.isNumNullsSet()) {
                nulls += st.getNumNulls();
            } else {
                noNulls = true;
            }
            if (!st.hasNonNullValue()) {
                if (!st.isNumNullsSet() || st.getNumNulls() < groupRows) {
                    noRange = true;
                }
                return;
            }
            rowsWithValues += groupRows;
            Object lo = convert(type, st.genericGetMin());
            Object hi = convert(type, st.genericGetMax());
            if (lo instanceof Double l && hi instanceof Double h) {
                min = Math.min(min, l);
                max = Math.max(max, h);
            } else if (lo instanceof String l && hi instanceof String h) {
                minString = minString == null || l.compareTo(minString) < 0 ? l : minString;
                maxString = maxString == null || h.compareTo(maxString) > 0 ? h : maxString;
            } else {
                noRange = true;
            }
        }

        ColumnStats toStats(long rows) {
            double nullCount = noNulls ? -1 : nulls;
            boolean numeric = !noRange && min <= max;
            boolean strings = !noRange && minString != null;
            if (nullCount < 0 && !numeric && !strings) {
                return null;
            }
            double ndv = -1;
            if (numeric && discrete) {
                double nonNull = rows - Math.max(0, nullCount);
                ndv = Math.max(1, Math.min(nonNull, max - min + 1));
            }
            return new ColumnStats(numeric ? min : null, numeric ? max : null, strings ? minString : null,
                    strings ? maxString : null, nullCount, ndv);
        }
    }

    /** True for integer and date columns, whose values are whole numbers on their scale. */
    private static boolean discrete(PrimitiveType type) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        return switch (type.getPrimitiveTypeName()) {
            case INT32, INT64 -> logical == null || logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation
                    || logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation;
            default -> false;
        };
    }

    /** A statistics value as a Double on the column's numeric scale, a String, or {@code null}. */
    private static Object convert(PrimitiveType type, Object value) {
        LogicalTypeAnnotation logical = type.getLogicalTypeAnnotation();
        switch (type.getPrimitiveTypeName()) {
            case INT32, INT64 -> {
                long v = ((Number) value).longValue();
                if (logical == null || logical instanceof LogicalTypeAnnotation.DateLogicalTypeAnnotation) {
                    return (double) v;
                }
                if (logical instanceof LogicalTypeAnnotation.IntLogicalTypeAnnotation i) {
                    return i.isSigned() ? (double) v : null;
                }
                if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
                    return BigDecimal.valueOf(v, d.getScale()).doubleValue();
                }
                if (logical instanceof LogicalTypeAnnotation.TimestampLogicalTypeAnnotation t) {
                    return switch (t.getUnit()) {
                        case MILLIS -> (double) v;
                        case MICROS -> v / 1e3;
                        case NANOS -> v / 1e6;
                    };
                }
                return null;
            }
            case FLOAT, DOUBLE -> {
                double d = ((Number) value).doubleValue();
                return Double.isNaN(d) ? null : d;
            }
            case BINARY, FIXED_LEN_BYTE_ARRAY -> {
                Binary b = (Binary) value;
                if (logical instanceof LogicalTypeAnnotation.DecimalLogicalTypeAnnotation d) {
                    return new BigDecimal(new BigInteger(b.getBytes()), d.getScale()).doubleValue();
                }
                if (logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation
                        || logical instanceof LogicalTypeAnnotation.EnumLogicalTypeAnnotation) {
                    return b.toStringUsingUTF8();
                }
                return null;
            }
            default -> {
                return null;
            }
        }
    }

    static TableStats fromCsvSample(CsvSource source, long sampleBytes) throws IOException {
        List<Path> files = FilePaths.expand(source.path());
        long totalBytes = 0;
        for (Path f : files) {
            totalBytes += Files.size(f);
        }
        Path first = files.get(0);
        long firstSize = Files.size(first);
        long end = Math.min(firstSize, sampleBytes);
        boolean whole = end == firstSize && files.size() == 1;
        List<Field> fields = source.schema().getFields();
        Sample[] samples = new Sample[fields.size()];
        for (int i = 0; i < samples.length; i++) {
            samples[i] = new Sample(fields.get(i).getType());
        }
        long sampled = 0;
        try (BufferAllocator allocator = new RootAllocator();
                SplitReader reader = source.open(new CsvSplit(first.toString(), 0, end), allocator)) {
            for (VectorSchemaRoot next = reader.next(); next != null; next = reader.next()) {
                try (VectorSchemaRoot batch = next) {
                    for (int c = 0; c < samples.length; c++) {
                        samples[c].add(batch.getVector(c), batch.getRowCount());
                    }
                    sampled += batch.getRowCount();
                }
            }
        }
        if (sampled == 0) {
            return null;
        }
        double rows = whole ? sampled : Math.max(sampled, totalBytes / (end / (double) sampled));
        Map<String, ColumnStats> stats = new LinkedHashMap<>();
        for (int c = 0; c < samples.length; c++) {
            stats.put(fields.get(c).getName(), samples[c].toStats(sampled, rows, whole));
        }
        return new TableStats(rows, whole, stats);
    }

    /** One column of a CSV sample. */
    private static final class Sample {
        final ArrowType type;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        String minString;
        String maxString;
        long nulls;
        final Set<Object> distinct = new HashSet<>();
        boolean distinctOverflow;

        Sample(ArrowType type) {
            this.type = type;
        }

        void add(FieldVector vector, int rows) {
            for (int i = 0; i < rows; i++) {
                if (vector.isNull(i)) {
                    nulls++;
                    continue;
                }
                Object key;
                if (vector instanceof DateDayVector d) {
                    key = addNumber(d.get(i));
                } else if (vector instanceof DateMilliVector d) {
                    key = addNumber(Math.floorDiv(d.get(i), 86_400_000L));
                } else if (vector instanceof TimeStampVector t) {
                    TimeUnit unit = switch (((ArrowType.Timestamp) type).getUnit()) {
                        case SECOND -> TimeUnit.SECONDS;
                        case MILLISECOND -> TimeUnit.MILLISECONDS;
                        case MICROSECOND -> TimeUnit.MICROSECONDS;
                        case NANOSECOND -> TimeUnit.NANOSECONDS;
                    };
                    key = addNumber(unit.toMillis(t.get(i)));
                } else {
                    Object v = vector.getObject(i);
                    if (v instanceof Number n) {
                        key = addNumber(n.doubleValue());
                    } else if (v instanceof Boolean) {
                        key = v;
                    } else {
                        String s = v.toString();
                        minString = minString == null || s.compareTo(minString) < 0 ? s : minString;
                        maxString = maxString == null || s.compareTo(maxString) > 0 ? s : maxString;
                        key = s;
                    }
                }
                if (!distinctOverflow) {
                    distinct.add(key);
                    distinctOverflow = distinct.size() > MAX_TRACKED_DISTINCT;
                }
            }
        }

        private Object addNumber(double d) {
            min = Math.min(min, d);
            max = Math.max(max, d);
            return d;
        }

        ColumnStats toStats(long sampled, double rows, boolean whole) {
            double scale = rows / sampled;
            double nonNull = sampled - nulls;
            double ndv;
            if (nonNull == 0) {
                ndv = -1;
            } else if (whole && !distinctOverflow) {
                ndv = distinct.size();
            } else if (distinctOverflow || distinct.size() > nonNull / 2) {
                ndv = Math.max(distinct.size(), distinct.size() * scale); // mostly distinct: keeps growing
            } else {
                ndv = distinct.size(); // repeats within the sample: take the domain as seen
            }
            boolean numeric = min <= max;
            return new ColumnStats(numeric ? min : null, numeric ? max : null, minString, maxString,
                    whole ? nulls : nulls * scale, ndv);
        }
    }
}
