package dev.numbat.operators.aggregate;

import dev.numbat.core.NumbatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * How the aggregate stores and reads the values of one column: the physical representation behind the SQL
 * type. Integer-like types (TINYINT to BIGINT, DATE, TIME, TIMESTAMP, BOOLEAN) are read as a sign-extended
 * {@code long}, floats as {@code double}, DECIMAL(p ≤ 38) as its 128-bit unscaled value (two longs), and
 * VARCHAR/VARBINARY as bytes. The static helpers read and write Arrow buffers directly so the hot loops of
 * the accumulators and key columns make no per-row virtual calls.
 */
enum ColumnKind {
    INT8(1), INT16(2), INT32(4), INT64(8), BIT(0), FLOAT4(4), FLOAT8(8), DECIMAL(16), BYTES(-1);

    /** Value width in bytes; 0 for bits, -1 for variable width. */
    final int width;

    ColumnKind(int width) {
        this.width = width;
    }

    boolean isIntegral() {
        return this == INT8 || this == INT16 || this == INT32 || this == INT64;
    }

    boolean isFloating() {
        return this == FLOAT4 || this == FLOAT8;
    }

    /** A long-backed kind: integers, temporal types and booleans (floats are long-backed as keys only). */
    boolean isLongLike() {
        return isIntegral() || this == BIT;
    }

    /** The kind of {@code field}, or a USER_ERROR naming the column when Numbat cannot aggregate over it. */
    static ColumnKind of(Field field) {
        ArrowType t = field.getType();
        ColumnKind k = switch (t.getTypeID()) {
            case Int -> {
                ArrowType.Int i = (ArrowType.Int) t;
                if (!i.getIsSigned()) {
                    yield null;
                }
                yield switch (i.getBitWidth()) {
                    case 8 -> INT8;
                    case 16 -> INT16;
                    case 32 -> INT32;
                    case 64 -> INT64;
                    default -> null;
                };
            }
            case FloatingPoint -> {
                FloatingPointPrecision p = ((ArrowType.FloatingPoint) t).getPrecision();
                yield p == FloatingPointPrecision.DOUBLE ? FLOAT8 : p == FloatingPointPrecision.SINGLE ? FLOAT4 : null;
            }
            case Decimal -> ((ArrowType.Decimal) t).getBitWidth() == 128 ? DECIMAL : null;
            case Utf8, Binary -> BYTES;
            case Date -> ((ArrowType.Date) t).getUnit() == DateUnit.DAY ? INT32 : INT64;
            case Time -> ((ArrowType.Time) t).getBitWidth() == 32 ? INT32 : INT64;
            case Timestamp, Duration -> INT64;
            case Bool -> BIT;
            default -> null;
        };
        if (k == null) {
            throw NumbatException.userError("cannot aggregate over column '%s' of type %s", field.getName(), t);
        }
        return k;
    }

    // ------------------------------------------------------------------ reading

    static boolean isNull(ArrowBuf validity, int i) {
        return (validity.getByte(i >>> 3) & (1 << (i & 7))) == 0;
    }

    /** Reads row {@code i} of an integer-like column (not for BIT) as a sign-extended long. */
    static long readLong(ArrowBuf data, int width, int i) {
        return switch (width) {
            case 1 -> data.getByte(i);
            case 2 -> data.getShort((long) i << 1);
            case 4 -> data.getInt((long) i << 2);
            default -> data.getLong((long) i << 3);
        };
    }

    static long readBit(ArrowBuf data, int i) {
        return (data.getByte(i >>> 3) >>> (i & 7)) & 1;
    }

    /** Reads row {@code i} of a long-like column (integers, temporal, BIT). */
    static long readLongLike(ColumnKind kind, ArrowBuf data, int i) {
        return kind == BIT ? readBit(data, i) : readLong(data, kind.width, i);
    }

    static double readDouble(ColumnKind kind, ArrowBuf data, int i) {
        return kind == FLOAT4 ? data.getFloat((long) i << 2) : data.getDouble((long) i << 3);
    }

    /** The bits of a floating-point key: -0.0 as 0.0 and every NaN as the canonical NaN, as RowHasher hashes. */
    static long normalizedBits(double d) {
        return Double.doubleToLongBits(d == 0.0 ? 0.0 : d);
    }

    /** A 128-bit integer {@code hi:lo} as a double (nearest, up to one rounding of each half). */
    static double int128ToDouble(long hi, long lo) {
        if (hi == (lo >> 63)) {
            return lo;
        }
        // hi * 2^64 + unsigned(lo)
        double unsignedLo = (double) (lo >>> 1) * 2.0 + (lo & 1);
        return hi * 0x1.0p64 + unsignedLo;
    }

    static BigInteger int128ToBigInteger(long hi, long lo) {
        return BigInteger.valueOf(hi).shiftLeft(64).or(new BigInteger(Long.toUnsignedString(lo)));
    }

    static BigDecimal int128ToBigDecimal(long hi, long lo, int scale) {
        if (hi == (lo >> 63)) {
            return BigDecimal.valueOf(lo, scale);
        }
        return new BigDecimal(int128ToBigInteger(hi, lo), scale);
    }

    static final double[] POWERS_OF_TEN = new double[39];

    static {
        for (int i = 0; i < POWERS_OF_TEN.length; i++) {
            POWERS_OF_TEN[i] = Double.parseDouble("1e" + i);
        }
    }

    /** 10^38 as a 128-bit integer: DECIMAL(38) values are strictly smaller in magnitude. */
    static final BigInteger TEN_POW_38 = BigInteger.TEN.pow(38);

    /** True if {@code hi:lo} has magnitude below 10^38 (fits DECIMAL(38, s)). */
    static boolean fitsDecimal38(long hi, long lo) {
        // |x| < 2^126 < 10^38 covers all but the extreme values; check those exactly.
        long top = hi >> 62;
        if (top == 0 || top == -1) {
            return true;
        }
        return int128ToBigInteger(hi, lo).abs().compareTo(TEN_POW_38) < 0;
    }

    // ------------------------------------------------------------------ writing

    /** Allocates {@code out} (a fixed-width vector) for {@code count} values, all NULL until set. */
    static void allocateFixed(FieldVector out, int count) {
        out.setInitialCapacity(Math.max(count, 1));
        out.allocateNew();
    }

    static void setValid(FieldVector out, int i) {
        BitVectorHelper.setBit(out.getValidityBuffer(), i);
    }

    /** Writes a long-like value (integers, temporal, BIT) to row {@code i} and marks it valid. */
    static void writeLongLike(ColumnKind kind, FieldVector out, int i, long v) {
        ArrowBuf data = out.getDataBuffer();
        switch (kind) {
            case BIT -> {
                if (v != 0) {
                    BitVectorHelper.setBit(data, i);
                }
            }
            case INT8 -> data.setByte(i, (byte) v);
            case INT16 -> data.setShort((long) i << 1, (short) v);
            case INT32 -> data.setInt((long) i << 2, (int) v);
            default -> data.setLong((long) i << 3, v);
        }
        setValid(out, i);
    }

    static void writeDouble(ColumnKind kind, FieldVector out, int i, double v) {
        if (kind == FLOAT4) {
            out.getDataBuffer().setFloat((long) i << 2, (float) v);
        } else {
            out.getDataBuffer().setDouble((long) i << 3, v);
        }
        setValid(out, i);
    }

    static void writeInt128(FieldVector out, int i, long hi, long lo) {
        ArrowBuf data = out.getDataBuffer();
        long at = (long) i << 4;
        data.setLong(at, lo);
        data.setLong(at + 8, hi);
        setValid(out, i);
    }
}
