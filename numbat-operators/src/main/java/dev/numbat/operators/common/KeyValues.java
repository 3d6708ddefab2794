package dev.numbat.operators.common;

import dev.numbat.core.NumbatException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.Types.MinorType;

/**
 * Reads key columns into primitive arrays, a column at a time, for operators that compare keys row against
 * row (sort, top-k, hash-join key checks). Which array a column goes to is its {@link Kind}:
 * <ul>
 *   <li>{@link Kind#LONG}: signed and unsigned integers, DATE, TIME, TIMESTAMP, DURATION and BOOLEAN (0/1), as
 *       the stored value, sign- or zero-extended to a {@code long} (units are not converted);</li>
 *   <li>{@link Kind#DOUBLE}: FLOAT and DOUBLE, with {@code -0.0} read as {@code 0.0} and every NaN as the
 *       canonical NaN, the same folding {@code RowHasher} applies;</li>
 *   <li>{@link Kind#DECIMAL}: 128-bit decimals, compared exactly as their unscaled two's complement value;</li>
 *   <li>{@link Kind#BYTES} and {@link Kind#LARGE_BYTES}: strings and binaries, compared as unsigned bytes.</li>
 * </ul>
 */
public final class KeyValues {
    private KeyValues() {
    }

    /** How a key column's values are held and compared. */
    public enum Kind {
        LONG, DOUBLE, DECIMAL, BYTES, LARGE_BYTES
    }

    /** The kind of {@code v}'s type; a USER_ERROR names the column when it cannot be a key. */
    public static Kind kindOf(FieldVector v) {
        return switch (v.getMinorType()) {
            case TINYINT, SMALLINT, INT, BIGINT, UINT1, UINT2, UINT4, UINT8, DATEDAY, DATEMILLI,
                    TIMESEC, TIMEMILLI, TIMEMICRO, TIMENANO, DURATION, INTERVALYEAR,
                    TIMESTAMPSEC, TIMESTAMPMILLI, TIMESTAMPMICRO, TIMESTAMPNANO,
                    TIMESTAMPSECTZ, TIMESTAMPMILLITZ, TIMESTAMPMICROTZ, TIMESTAMPNANOTZ, BIT -> Kind.LONG;
            case FLOAT4, FLOAT8 -> Kind.DOUBLE;
            case DECIMAL -> Kind.DECIMAL;
            case VARCHAR, VARBINARY -> Kind.BYTES;
            case LARGEVARCHAR, LARGEVARBINARY -> Kind.LARGE_BYTES;
            default -> throw NumbatException.userError("column '%s' of type %s cannot be a sort or join key",
                    v.getName(), v.getField().getType());
        };
    }

    /**
     * Writes whether each of rows {@code 0 .. n} of {@code v} is NULL into {@code out[at ..]}; returns true if
     * any is.
     */
    public static boolean readNulls(FieldVector v, int n, boolean[] out, int at) {
        if (v.getNullCount() == 0) {
            java.util.Arrays.fill(out, at, at + n, false);
            return false;
        }
        ArrowBuf validity = v.getValidityBuffer();
        for (int i = 0; i < n; i++) {
            out[at + i] = (validity.getByte(i >>> 3) & (1 << (i & 7))) == 0;
        }
        return true;
    }

    /** Reads rows {@code 0 .. n} of a {@link Kind#LONG} column into {@code out[at ..]}; NULL rows read garbage. */
    public static void readLongs(FieldVector v, int n, long[] out, int at) {
        MinorType type = v.getMinorType();
        ArrowBuf data = v.getDataBuffer();
        switch (type) {
            case TINYINT -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = data.getByte(i);
                }
            }
            case UINT1 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = data.getByte(i) & 0xFFL;
                }
            }
            case SMALLINT -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = data.getShort((long) i << 1);
                }
            }
            case UINT2 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = data.getShort((long) i << 1) & 0xFFFFL;
                }
            }
            case INT, DATEDAY, TIMESEC, TIMEMILLI, INTERVALYEAR -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = data.getInt((long) i << 2);
                }
            }
            case UINT4 -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = data.getInt((long) i << 2) & 0xFFFF_FFFFL;
                }
            }
            case BIT -> {
                for (int i = 0; i < n; i++) {
                    out[at + i] = (data.getByte(i >>> 3) >>> (i & 7)) & 1;
                }
            }
            default -> {
                if (kindOf(v) != Kind.LONG) {
                    throw new IllegalArgumentException("column '" + v.getName() + "' is not read as longs");
                }
                // BIGINT, UINT8 (its bits: compared signed, which only matters past 2^63), DATEMILLI, times.
                for (int i = 0; i < n; i++) {
                    out[at + i] = data.getLong((long) i << 3);
                }
            }
        }
    }

    /** Reads rows {@code 0 .. n} of a FLOAT or DOUBLE column into {@code out[at ..]}, folding -0.0 and NaNs. */
    public static void readDoubles(FieldVector v, int n, double[] out, int at) {
        ArrowBuf data = v.getDataBuffer();
        boolean single = v.getMinorType() == MinorType.FLOAT4;
        for (int i = 0; i < n; i++) {
            double d = single ? data.getFloat((long) i << 2) : data.getDouble((long) i << 3);
            out[at + i] = canonical(d);
        }
    }

    /** {@code d} with -0.0 as 0.0 and every NaN as {@link Double#NaN}. */
    public static double canonical(double d) {
        return d == 0.0 ? 0.0 : (d != d ? Double.NaN : d);
    }

    /**
     * Reads rows {@code 0 .. n} of a DECIMAL column into {@code high[at ..]} (signed upper 64 bits) and
     * {@code low[at ..]} (unsigned lower 64 bits).
     */
    public static void readDecimals(FieldVector v, int n, long[] high, long[] low, int at) {
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
            long offset = (long) i << 4;
            low[at + i] = data.getLong(offset);
            high[at + i] = data.getLong(offset + 8);
        }
    }

    /**
     * The first eight bytes of each value of a {@link Kind#BYTES} or {@link Kind#LARGE_BYTES} column as a
     * big-endian number padded with zero bytes, so that {@link Long#compareUnsigned} orders two values as their
     * bytes do, except that equal prefixes still need the full comparison.
     */
    public static void readPrefixes(FieldVector v, int n, long[] out, int at) {
        boolean large = v.getMinorType() == MinorType.LARGEVARCHAR || v.getMinorType() == MinorType.LARGEVARBINARY;
        ArrowBuf offsets = v.getOffsetBuffer();
        ArrowBuf data = v.getDataBuffer();
        for (int i = 0; i < n; i++) {
            long start;
            long end;
            if (large) {
                start = offsets.getLong((long) i << 3);
                end = offsets.getLong((long) (i + 1) << 3);
            } else {
                start = offsets.getInt((long) i << 2);
                end = offsets.getInt((long) (i + 1) << 2);
            }
            long length = end - start;
            long prefix;
            if (length >= 8) {
                prefix = Long.reverseBytes(data.getLong(start));
            } else {
                prefix = 0;
                for (int k = 0; k < length; k++) {
                    prefix |= (data.getByte(start + k) & 0xFFL) << (56 - 8 * k);
                }
            }
            out[at + i] = prefix;
        }
    }
}
