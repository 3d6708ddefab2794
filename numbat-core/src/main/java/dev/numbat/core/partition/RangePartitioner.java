package dev.numbat.core.partition;

import dev.numbat.core.NumbatException;
import java.io.Serial;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Sends each row to a consumer by where its value in one column falls among {@code k} strictly ascending
 * boundaries {@code b0 < b1 < ... < b(k-1)}; the edge must have exactly {@code k + 1} consumers.
 *
 * <ul>
 *   <li>consumer 0 gets values {@code v < b0}, consumer {@code i} gets {@code b(i-1) <= v < b(i)}, consumer
 *       {@code k} gets {@code v >= b(k-1)}: <b>a value equal to a boundary goes to the upper side</b>;</li>
 *   <li>NULLs go to consumer 0;</li>
 *   <li>for FLOAT/DOUBLE columns {@code -0.0} equals {@code 0.0} and NaN is greater than every number, so it
 *       goes to consumer {@code k};</li>
 *   <li>strings and binaries compare as unsigned bytes (for UTF-8 that is code point order).</li>
 * </ul>
 *
 * Boundaries may be given as longs (for integer, date, time, timestamp and duration columns they are the
 * stored value: days for DATE, the column's unit for TIMESTAMP), doubles, decimals, strings, or dates
 * ({@link LocalDate}, for DATE columns of either unit). Numeric boundaries apply to any numeric column and
 * are compared exactly: a DOUBLE 2.5 boundary on an INT column puts 2 below and 3 above it. Rows of
 * consecutive values go out as zero-copy slices when the batch is sorted on the column; empty batches are not
 * sent.
 */
public final class RangePartitioner implements Partitioner {
    @Serial
    private static final long serialVersionUID = 1L;

    private static final long MILLIS_PER_DAY = 86_400_000L;

    private enum Kind { LONG, DOUBLE, DECIMAL, STRING, DATE }

    private final String column;
    private final Kind kind;
    private final long[] longs;        // LONG, DATE (epoch days)
    private final double[] doubles;    // DOUBLE
    private final BigDecimal[] decimals; // DECIMAL
    private final byte[][] strings;    // STRING, as UTF-8
    private final boolean reuseScratch;
    private transient int[] targets;

    private RangePartitioner(String column, Kind kind, long[] longs, double[] doubles, BigDecimal[] decimals,
                             byte[][] strings, boolean reuseScratch) {
        this.column = Objects.requireNonNull(column, "column");
        this.kind = kind;
        this.longs = longs;
        this.doubles = doubles;
        this.decimals = decimals;
        this.strings = strings;
        this.reuseScratch = reuseScratch;
    }

    static RangePartitioner ofLongs(String column, long[] boundaries) {
        long[] b = boundaries.clone();
        for (int i = 1; i < b.length; i++) {
            checkAscending(column, b[i - 1] < b[i], b[i - 1], b[i]);
        }
        return new RangePartitioner(column, Kind.LONG, b, null, null, null, false);
    }

    static RangePartitioner ofDates(String column, LocalDate[] boundaries) {
        long[] b = new long[boundaries.length];
        for (int i = 0; i < b.length; i++) {
            b[i] = Objects.requireNonNull(boundaries[i], "boundary").toEpochDay();
            if (i > 0) {
                checkAscending(column, b[i - 1] < b[i], boundaries[i - 1], boundaries[i]);
            }
        }
        return new RangePartitioner(column, Kind.DATE, b, null, null, null, false);
    }

    static RangePartitioner ofDoubles(String column, double[] boundaries) {
        double[] b = boundaries.clone();
        for (int i = 0; i < b.length; i++) {
            if (Double.isNaN(b[i])) {
                throw NumbatException.userError("range(%s): NaN is not a valid boundary", column);
            }
            b[i] = b[i] == 0.0 ? 0.0 : b[i];
            if (i > 0) {
                checkAscending(column, b[i - 1] < b[i], b[i - 1], b[i]);
            }
        }
        return new RangePartitioner(column, Kind.DOUBLE, null, b, null, null, false);
    }

    static RangePartitioner ofDecimals(String column, BigDecimal[] boundaries) {
        BigDecimal[] b = boundaries.clone();
        for (int i = 0; i < b.length; i++) {
            Objects.requireNonNull(b[i], "boundary");
            if (i > 0) {
                checkAscending(column, b[i - 1].compareTo(b[i]) < 0, b[i - 1], b[i]);
            }
        }
        return new RangePartitioner(column, Kind.DECIMAL, null, null, b, null, false);
    }

    static RangePartitioner ofStrings(String column, String[] boundaries) {
        byte[][] b = new byte[boundaries.length][];
        for (int i = 0; i < b.length; i++) {
            b[i] = Objects.requireNonNull(boundaries[i], "boundary").getBytes(StandardCharsets.UTF_8);
            if (i > 0) {
                checkAscending(column, compareBytes(b[i - 1], b[i]) < 0, "'" + boundaries[i - 1] + "'",
                        "'" + boundaries[i] + "'");
            }
        }
        return new RangePartitioner(column, Kind.STRING, null, null, null, b, false);
    }

    private static void checkAscending(String column, boolean ascending, Object previous, Object next) {
        if (!ascending) {
            throw NumbatException.userError(
                    "range(%s): boundaries must be strictly ascending, but %s is followed by %s", column, previous,
                    next);
        }
    }

    /** The partitioning column. */
    public String column() {
        return column;
    }

    /** The boundaries as given: Longs, Doubles, BigDecimals, Strings or LocalDates. */
    public List<Object> boundaries() {
        List<Object> out = new ArrayList<>(boundaryCount());
        for (int i = 0; i < boundaryCount(); i++) {
            out.add(switch (kind) {
                case LONG -> longs[i];
                case DATE -> LocalDate.ofEpochDay(longs[i]);
                case DOUBLE -> doubles[i];
                case DECIMAL -> decimals[i];
                case STRING -> new String(strings[i], StandardCharsets.UTF_8);
            });
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The class of the boundaries as {@link #boundaries()} returns them (Long, Double, BigDecimal, String or
     * LocalDate), known even when there are none.
     */
    public Class<?> boundaryClass() {
        return switch (kind) {
            case LONG -> Long.class;
            case DATE -> LocalDate.class;
            case DOUBLE -> Double.class;
            case DECIMAL -> BigDecimal.class;
            case STRING -> String.class;
        };
    }

    /** The number of boundaries; the edge needs one more consumer than this. */
    public int boundaryCount() {
        return switch (kind) {
            case LONG, DATE -> longs.length;
            case DOUBLE -> doubles.length;
            case DECIMAL -> decimals.length;
            case STRING -> strings.length;
        };
    }

    @Override
    public void partition(VectorSchemaRoot batch, int consumers, PartitionOutput out) {
        Routing.checkConsumers(consumers);
        int k = boundaryCount();
        if (consumers != k + 1) {
            throw NumbatException.userError("%s has %d boundaries and needs %d consumers, but the edge has %d",
                    describe(), k, k + 1, consumers);
        }
        FieldVector v = batch.getVector(column);
        if (v == null) {
            throw NumbatException.userError("%s: no column '%s' in %s", describe(), column, batch.getSchema());
        }
        int n = batch.getRowCount();
        int[] t = targets(n);
        switch (v.getMinorType()) {
            case TINYINT, SMALLINT, INT, BIGINT, UINT1, UINT2, UINT4, DATEDAY, DATEMILLI, TIMESEC, TIMEMILLI,
                    TIMEMICRO, TIMENANO, DURATION, TIMESTAMPSEC, TIMESTAMPMILLI, TIMESTAMPMICRO, TIMESTAMPNANO,
                    TIMESTAMPSECTZ, TIMESTAMPMILLITZ, TIMESTAMPMICROTZ, TIMESTAMPNANOTZ ->
                    routeIntegers(v, n, longThresholds(v), t);
            case FLOAT4, FLOAT8 -> routeDoubles(v, n, doubleThresholds(v), t);
            case DECIMAL -> routeDecimals(v, n, t);
            case VARCHAR, LARGEVARCHAR, VARBINARY, LARGEVARBINARY -> {
                if (kind != Kind.STRING) {
                    throw mismatch(v);
                }
                routeBytes(v, n, t);
            }
            default -> throw NumbatException.userError("%s: cannot range-partition column '%s' of type %s",
                    describe(), column, v.getField().getType());
        }
        Routing.send(t, n, consumers, out);
    }

    private NumbatException mismatch(FieldVector v) {
        return NumbatException.userError("%s: %s boundaries do not fit column '%s' of type %s", describe(),
                kind.name().toLowerCase(java.util.Locale.ROOT), column, v.getField().getType());
    }

    /** Thresholds {@code t} such that an integer {@code v >= boundary} exactly when {@code v >= t}. */
    private long[] longThresholds(FieldVector v) {
        return switch (kind) {
            case LONG -> longs;
            case DATE -> switch (v.getMinorType()) {
                case DATEDAY -> longs;
                case DATEMILLI -> {
                    long[] t = new long[longs.length];
                    for (int i = 0; i < t.length; i++) {
                        t[i] = Math.multiplyExact(longs[i], MILLIS_PER_DAY);
                    }
                    yield t;
                }
                default -> throw mismatch(v);
            };
            case DOUBLE -> {
                long[] t = new long[doubles.length];
                for (int i = 0; i < t.length; i++) {
                    double c = Math.ceil(doubles[i]);
                    if (!(c >= -0x1p63 && c < 0x1p63)) {
                        throw NumbatException.userError("%s: boundary %s is out of range for column '%s' of type %s",
                                describe(), doubles[i], column, v.getField().getType());
                    }
                    t[i] = (long) c;
                }
                yield t;
            }
            case DECIMAL -> {
                long[] t = new long[decimals.length];
                for (int i = 0; i < t.length; i++) {
                    try {
                        t[i] = decimals[i].setScale(0, RoundingMode.CEILING).longValueExact();
                    } catch (ArithmeticException e) {
                        throw NumbatException.userError("%s: boundary %s is out of range for column '%s' of type %s",
                                describe(), decimals[i], column, v.getField().getType());
                    }
                }
                yield t;
            }
            case STRING -> throw mismatch(v);
        };
    }

    private double[] doubleThresholds(FieldVector v) {
        return switch (kind) {
            case DOUBLE -> doubles;
            case LONG -> {
                double[] t = new double[longs.length];
                for (int i = 0; i < t.length; i++) {
                    t[i] = longs[i];
                }
                yield t;
            }
            case DECIMAL -> {
                double[] t = new double[decimals.length];
                for (int i = 0; i < t.length; i++) {
                    t[i] = decimals[i].doubleValue();
                }
                yield t;
            }
            case DATE, STRING -> throw mismatch(v);
        };
    }

    private static boolean isNull(ArrowBuf validity, int i) {
        return (validity.getByte(i >>> 3) & (1 << (i & 7))) == 0;
    }

    private static int upperBound(long[] bounds, long value) {
        int lo = 0;
        int hi = bounds.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (bounds[mid] <= value) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private static void routeIntegers(FieldVector v, int n, long[] bounds, int[] t) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        int width;
        boolean unsigned = false;
        switch (v.getMinorType()) {
            case TINYINT -> width = 1;
            case UINT1 -> {
                width = 1;
                unsigned = true;
            }
            case SMALLINT -> width = 2;
            case UINT2 -> {
                width = 2;
                unsigned = true;
            }
            case INT, DATEDAY, TIMESEC, TIMEMILLI -> width = 4;
            case UINT4 -> {
                width = 4;
                unsigned = true;
            }
            default -> width = 8;
        }
        for (int i = 0; i < n; i++) {
            if (nulls && isNull(validity, i)) {
                t[i] = 0;
                continue;
            }
            long value = switch (width) {
                case 1 -> unsigned ? data.getByte(i) & 0xFFL : data.getByte(i);
                case 2 -> unsigned ? data.getShort((long) i << 1) & 0xFFFFL : data.getShort((long) i << 1);
                case 4 -> unsigned ? data.getInt((long) i << 2) & 0xFFFF_FFFFL : data.getInt((long) i << 2);
                default -> data.getLong((long) i << 3);
            };
            t[i] = upperBound(bounds, value);
        }
    }

    private static void routeDoubles(FieldVector v, int n, double[] bounds, int[] t) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        boolean single = v.getMinorType() == org.apache.arrow.vector.types.Types.MinorType.FLOAT4;
        for (int i = 0; i < n; i++) {
            if (nulls && isNull(validity, i)) {
                t[i] = 0;
                continue;
            }
            double d = single ? data.getFloat((long) i << 2) : data.getDouble((long) i << 3);
            if (Double.isNaN(d)) {
                t[i] = bounds.length;
                continue;
            }
            int lo = 0;
            int hi = bounds.length;
            while (lo < hi) {
                int mid = (lo + hi) >>> 1;
                if (bounds[mid] <= d) { // -0.0 <= 0.0 and 0.0 <= -0.0 are both true: they compare equal
                    lo = mid + 1;
                } else {
                    hi = mid;
                }
            }
            t[i] = lo;
        }
    }

    private void routeDecimals(FieldVector v, int n, int[] t) {
        int scale = ((ArrowType.Decimal) v.getField().getType()).getScale();
        int k = boundaryCount();
        long[] bhi = new long[k];
        long[] blo = new long[k];
        for (int i = 0; i < k; i++) {
            BigDecimal b = switch (kind) {
                case LONG -> BigDecimal.valueOf(longs[i]);
                case DOUBLE -> new BigDecimal(doubles[i]);
                case DECIMAL -> decimals[i];
                case DATE, STRING -> throw mismatch(v);
            };
            // an unscaled value u at this scale satisfies u >= b * 10^scale exactly when u >= ceil(b * 10^scale)
            BigInteger u = b.setScale(scale, RoundingMode.CEILING).unscaledValue();
            if (u.bitLength() > 127) {
                throw NumbatException.userError("%s: boundary %s is out of range for column '%s' of type %s",
                        describe(), b, column, v.getField().getType());
            }
            blo[i] = u.longValue();
            bhi[i] = u.shiftRight(64).longValue();
        }
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        for (int i = 0; i < n; i++) {
            if (nulls && isNull(validity, i)) {
                t[i] = 0;
                continue;
            }
            long lo = data.getLong((long) i << 4);
            long hi = data.getLong(((long) i << 4) + 8);
            int a = 0;
            int z = k;
            while (a < z) {
                int mid = (a + z) >>> 1;
                int cmp = bhi[mid] != hi ? Long.compare(bhi[mid], hi) : Long.compareUnsigned(blo[mid], lo);
                if (cmp <= 0) {
                    a = mid + 1;
                } else {
                    z = mid;
                }
            }
            t[i] = a;
        }
    }

    private void routeBytes(FieldVector v, int n, int[] t) {
        boolean large = switch (v.getMinorType()) {
            case LARGEVARCHAR, LARGEVARBINARY -> true;
            default -> false;
        };
        ArrowBuf offsets = v.getOffsetBuffer();
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        byte[][] bounds = strings;
        for (int i = 0; i < n; i++) {
            if (nulls && isNull(validity, i)) {
                t[i] = 0;
                continue;
            }
            long start;
            long end;
            if (large) {
                start = offsets.getLong((long) i << 3);
                end = offsets.getLong((long) (i + 1) << 3);
            } else {
                start = offsets.getInt((long) i << 2);
                end = offsets.getInt((long) (i + 1) << 2);
            }
            int a = 0;
            int z = bounds.length;
            while (a < z) {
                int mid = (a + z) >>> 1;
                if (compare(bounds[mid], data, start, end - start) <= 0) {
                    a = mid + 1;
                } else {
                    z = mid;
                }
            }
            t[i] = a;
        }
    }

    /** Compares {@code b} with {@code length} bytes of {@code data} at {@code start}, as unsigned bytes. */
    private static int compare(byte[] b, ArrowBuf data, long start, long length) {
        long m = Math.min(b.length, length);
        for (int j = 0; j < m; j++) {
            int x = b[j] & 0xFF;
            int y = data.getByte(start + j) & 0xFF;
            if (x != y) {
                return x - y;
            }
        }
        return Long.compare(b.length, length);
    }

    private static int compareBytes(byte[] a, byte[] b) {
        return java.util.Arrays.compareUnsigned(a, b);
    }

    private int[] targets(int n) {
        if (!reuseScratch) {
            return new int[n];
        }
        if (targets == null || targets.length < n) {
            targets = new int[n];
        }
        return targets;
    }

    @Override
    public Partitioner forProducer(int producerChannel) {
        return new RangePartitioner(column, kind, longs, doubles, decimals, strings, true);
    }

    @Override
    public String describe() {
        StringBuilder sb = new StringBuilder("range(").append(column).append(", [");
        List<Object> b = boundaries();
        for (int i = 0; i < b.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object x = b.get(i);
            sb.append(x instanceof String s ? "'" + s.replace("'", "''") + "'" : x instanceof BigDecimal d
                    ? d.toPlainString() : String.valueOf(x));
        }
        return sb.append("])").toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RangePartitioner other && column.equals(other.column) && kind == other.kind
                && boundaries().equals(other.boundaries());
    }

    @Override
    public int hashCode() {
        return Objects.hash(column, kind, boundaries());
    }

    @Override
    public String toString() {
        return describe();
    }
}
