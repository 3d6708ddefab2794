package dev.numbat.core.expr;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;

/**
 * One intermediate column during evaluation, in plain Java arrays indexed by the row of the input batch (so a
 * selection vector indexes it directly). Only the rows of the selection it was computed for hold values.
 *
 * <p>Representations by {@link Kind}: BOOL in {@code bools}; LONG (Int 8–64, Date as days, Timestamp as
 * micros, intervals) in {@code longs}; DOUBLE in {@code doubles}; DECIMAL as unscaled longs at {@code scale}
 * with {@code big[i]} (when {@code big != null} and {@code big[i] != null}) holding the rare values that do
 * not fit a long; BYTES as {@code data[start[i] .. end[i])} (UTF-8, compared unsigned). {@code nulls[i]} is
 * true for NULL; {@code nulls == null} means no NULLs. A {@code constant} column has arrays of length 1 that
 * stand for every row.
 */
final class Col {
    enum Kind { BOOL, LONG, DOUBLE, DECIMAL, BYTES }

    final Kind kind;
    final int scale;
    boolean constant;
    boolean[] nulls;
    boolean[] bools;
    long[] longs;
    double[] doubles;
    BigInteger[] big;
    byte[] data;
    int[] start;
    int[] end;

    Col(Kind kind, int scale) {
        this.kind = kind;
        this.scale = scale;
    }

    static Col bools(int n) {
        Col c = new Col(Kind.BOOL, 0);
        c.bools = new boolean[n];
        return c;
    }

    static Col longs(int n) {
        Col c = new Col(Kind.LONG, 0);
        c.longs = new long[n];
        return c;
    }

    static Col doubles(int n) {
        Col c = new Col(Kind.DOUBLE, 0);
        c.doubles = new double[n];
        return c;
    }

    static Col decimals(int n, int scale) {
        Col c = new Col(Kind.DECIMAL, scale);
        c.longs = new long[n];
        return c;
    }

    /** A string column whose {@code data} the caller fills (or replaces). */
    static Col bytes(int n) {
        Col c = new Col(Kind.BYTES, 0);
        c.start = new int[n];
        c.end = new int[n];
        return c;
    }

    static Col of(Kind kind, int scale, int n) {
        return switch (kind) {
            case BOOL -> bools(n);
            case LONG -> longs(n);
            case DOUBLE -> doubles(n);
            case DECIMAL -> decimals(n, scale);
            case BYTES -> bytes(n);
        };
    }

    /** A constant NULL of the kind. */
    static Col nullConstant(Kind kind, int scale) {
        Col c = of(kind, scale, 1);
        if (kind == Kind.BYTES) {
            c.data = new byte[0];
        }
        c.constant = true;
        c.nulls = new boolean[] {true};
        return c;
    }

    static Col constantLong(long v) {
        Col c = longs(1);
        c.longs[0] = v;
        c.constant = true;
        return c;
    }

    static Col constantBool(boolean v) {
        Col c = bools(1);
        c.bools[0] = v;
        c.constant = true;
        return c;
    }

    static Col constantDouble(double v) {
        Col c = doubles(1);
        c.doubles[0] = v;
        c.constant = true;
        return c;
    }

    static Col constantDecimal(BigDecimal v, int scale) {
        Col c = decimals(1, scale);
        BigInteger u = v.setScale(scale, java.math.RoundingMode.HALF_UP).unscaledValue();
        c.setDecimal(0, u);
        c.constant = true;
        return c;
    }

    static Col constantBytes(byte[] v) {
        Col c = bytes(1);
        c.data = v;
        c.end[0] = v.length;
        c.constant = true;
        return c;
    }

    int idx(int i) {
        return constant ? 0 : i;
    }

    boolean isNull(int i) {
        return nulls != null && nulls[constant ? 0 : i];
    }

    boolean hasNulls() {
        return nulls != null;
    }

    /** Marks row {@code i} NULL, creating the null array of length {@code n} on first use. */
    void setNull(int i, int n) {
        if (nulls == null) {
            nulls = new boolean[n];
        }
        nulls[i] = true;
    }

    int length() {
        return switch (kind) {
            case BOOL -> bools.length;
            case LONG, DECIMAL -> longs.length;
            case DOUBLE -> doubles.length;
            case BYTES -> start.length;
        };
    }

    // ---------------------------------------------------------------- decimals

    boolean isBig(int i) {
        return big != null && big[constant ? 0 : i] != null;
    }

    /** The unscaled value of row {@code i} as a BigInteger (slow path). */
    BigInteger bigValue(int i) {
        int k = constant ? 0 : i;
        if (big != null && big[k] != null) {
            return big[k];
        }
        return BigInteger.valueOf(longs[k]);
    }

    /** Stores an unscaled value, as a long when it fits. */
    void setDecimal(int i, BigInteger v) {
        if (v.bitLength() < 64) {
            longs[i] = v.longValue();
            if (big != null) {
                big[i] = null;
            }
        } else {
            if (big == null) {
                big = new BigInteger[longs.length];
            }
            big[i] = v;
        }
    }

    BigDecimal decimalValue(int i) {
        return new BigDecimal(bigValue(i), scale);
    }

    // ---------------------------------------------------------------- strings

    String string(int i) {
        int k = constant ? 0 : i;
        return new String(data, start[k], end[k] - start[k], StandardCharsets.UTF_8);
    }

    /** A copy with arrays of length {@code n} in which every row holds the constant's value. */
    Col expand(int n) {
        if (!constant) {
            return this;
        }
        Col c = of(kind, scale, n);
        boolean isNull = nulls != null && nulls[0];
        if (isNull) {
            c.nulls = new boolean[n];
            java.util.Arrays.fill(c.nulls, true);
        }
        switch (kind) {
            case BOOL -> java.util.Arrays.fill(c.bools, bools[0]);
            case LONG -> java.util.Arrays.fill(c.longs, longs[0]);
            case DOUBLE -> java.util.Arrays.fill(c.doubles, doubles[0]);
            case DECIMAL -> {
                java.util.Arrays.fill(c.longs, longs[0]);
                if (big != null && big[0] != null) {
                    c.big = new BigInteger[n];
                    java.util.Arrays.fill(c.big, big[0]);
                }
            }
            case BYTES -> {
                c.data = data;
                java.util.Arrays.fill(c.start, start[0]);
                java.util.Arrays.fill(c.end, end[0]);
            }
        }
        return c;
    }
}
