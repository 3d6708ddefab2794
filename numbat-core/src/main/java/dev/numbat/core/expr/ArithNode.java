package dev.numbat.core.expr;

import dev.numbat.core.NumbatException;
import java.math.BigInteger;

/**
 * PLUS, MINUS, TIMES, DIVIDE, MOD on numbers of one kind: BIGINT (checked: overflow is a USER_ERROR "BIGINT
 * overflow"), DOUBLE, or DECIMAL held as scaled longs. For DECIMAL, PLUS/MINUS/MOD see both arguments at the
 * result scale; TIMES and DIVIDE see them at their own scales and round the exact result half away from zero
 * to the result scale. A row whose decimal value does not fit a long continues in BigInteger, so DECIMAL(38)
 * results are exact; only a value beyond 38 digits fails (when written out).
 */
final class ArithNode extends Node {
    final Fn fn;
    final Node left;
    final Node right;

    ArithNode(Fn fn, Node left, Node right, org.apache.arrow.vector.types.pojo.ArrowType type, boolean nullable) {
        super(type, nullable);
        this.fn = fn;
        this.left = left;
        this.right = right;
    }

    static NumbatException divisionByZero() {
        return NumbatException.userError("division by zero");
    }

    @Override
    Col eval(Ctx ctx, int[] sel, int n) {
        Col a = left.eval(ctx, sel, n);
        Col b = right.eval(ctx, sel, n);
        int len = ctx.rowCount;
        boolean[] nulls = Nulls.merge(a, b, sel, n, len);
        Col out;
        switch (kind()) {
            case LONG -> {
                out = Col.longs(len);
                try {
                    longs(a, b, out.longs, nulls, sel, n);
                } catch (ArithmeticException e) {
                    if (e.getMessage() != null && e.getMessage().contains("zero")) {
                        throw divisionByZero();
                    }
                    throw Decimals.overflow("BIGINT");
                }
            }
            case DOUBLE -> {
                out = Col.doubles(len);
                doubles(a, b, out.doubles, nulls, sel, n);
            }
            case DECIMAL -> out = decimals(a, b, nulls, sel, n, len);
            default -> throw new IllegalStateException(type.toString());
        }
        out.nulls = nulls;
        return out;
    }

    private void longs(Col a, Col b, long[] r, boolean[] nulls, int[] sel, int n) {
        long[] x = a.longs;
        long[] y = b.longs;
        int ma = Nulls.mask(a);
        int mb = Nulls.mask(b);
        switch (fn) {
            case PLUS -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    if (nulls == null || !nulls[i]) {
                        r[i] = Math.addExact(x[i & ma], y[i & mb]);
                    }
                }
            }
            case MINUS -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    if (nulls == null || !nulls[i]) {
                        r[i] = Math.subtractExact(x[i & ma], y[i & mb]);
                    }
                }
            }
            case TIMES -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    if (nulls == null || !nulls[i]) {
                        r[i] = Math.multiplyExact(x[i & ma], y[i & mb]);
                    }
                }
            }
            case DIVIDE, MOD -> {
                boolean div = fn == Fn.DIVIDE;
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    if (nulls == null || !nulls[i]) {
                        long p = x[i & ma];
                        long q = y[i & mb];
                        if (q == 0) {
                            throw divisionByZero();
                        }
                        if (div && p == Long.MIN_VALUE && q == -1) {
                            throw Decimals.overflow("BIGINT");
                        }
                        r[i] = div ? p / q : (q == -1 ? 0 : p % q);
                    }
                }
            }
            default -> throw new IllegalStateException(fn.toString());
        }
    }

    private void doubles(Col a, Col b, double[] r, boolean[] nulls, int[] sel, int n) {
        double[] x = a.doubles;
        double[] y = b.doubles;
        int ma = Nulls.mask(a);
        int mb = Nulls.mask(b);
        switch (fn) {
            case PLUS -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    r[i] = x[i & ma] + y[i & mb];
                }
            }
            case MINUS -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    r[i] = x[i & ma] - y[i & mb];
                }
            }
            case TIMES -> {
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    r[i] = x[i & ma] * y[i & mb];
                }
            }
            case DIVIDE, MOD -> {
                boolean div = fn == Fn.DIVIDE;
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    if (nulls == null || !nulls[i]) {
                        double q = y[i & mb];
                        if (q == 0) {
                            throw divisionByZero();
                        }
                        r[i] = div ? x[i & ma] / q : x[i & ma] % q;
                    }
                }
            }
            default -> throw new IllegalStateException(fn.toString());
        }
    }

    private Col decimals(Col a, Col b, boolean[] nulls, int[] sel, int n, int len) {
        int s = scale();
        Col out = Col.decimals(len, s);
        switch (fn) {
            case PLUS, MINUS -> {
                a = Decimals.rescale(a, s, sel, n);
                b = Decimals.rescale(b, s, sel, n);
                boolean minus = fn == Fn.MINUS;
                long[] x = a.longs;
                long[] y = b.longs;
                long[] r = out.longs;
                int ma = Nulls.mask(a);
                int mb = Nulls.mask(b);
                boolean anyBig = a.big != null || b.big != null;
                // Fast path: every value fits a long; the slow loop below takes over at the first overflow.
                int from = anyBig ? 0 : addFast(x, ma, y, mb, r, sel, n, minus);
                for (int j = from; j < n; j++) {
                    int i = sel[j];
                    if (nulls != null && nulls[i]) {
                        continue;
                    }
                    long p = x[i & ma];
                    long q = minus ? -y[i & mb] : y[i & mb];
                    long t = p + q;
                    if (((p ^ t) & (q ^ t)) < 0 || anyBig && (a.isBig(i) || b.isBig(i))
                            || minus && y[i & mb] == Long.MIN_VALUE) {
                        BigInteger bp = a.bigValue(i);
                        BigInteger bq = b.bigValue(i);
                        out.setDecimal(i, minus ? bp.subtract(bq) : bp.add(bq));
                    } else {
                        r[i] = t;
                    }
                }
            }
            case TIMES -> {
                int ps = a.scale + b.scale;
                int down = ps - s; // > 0: round away digits; < 0: append zeros
                long[] x = a.longs;
                long[] y = b.longs;
                long[] r = out.longs;
                int ma = Nulls.mask(a);
                int mb = Nulls.mask(b);
                boolean anyBig = a.big != null || b.big != null;
                long pow = Math.abs(down) < 19 ? Decimals.POW10[Math.abs(down)] : 0;
                int from = anyBig || pow == 0 ? 0 : timesFast(x, ma, y, mb, r, sel, n, down, pow);
                for (int j = from; j < n; j++) {
                    int i = sel[j];
                    if (nulls != null && nulls[i]) {
                        continue;
                    }
                    long p = x[i & ma];
                    long q = y[i & mb];
                    long lo = p * q;
                    long hi = Math.multiplyHigh(p, q);
                    if (hi == (lo >> 63) && pow != 0 && !(anyBig && (a.isBig(i) || b.isBig(i)))) {
                        if (down == 0) {
                            r[i] = lo;
                            continue;
                        } else if (down > 0) {
                            r[i] = Decimals.divRound(lo, pow);
                            continue;
                        } else {
                            long h2 = Math.multiplyHigh(lo, pow);
                            long l2 = lo * pow;
                            if (h2 == (l2 >> 63)) {
                                r[i] = l2;
                                continue;
                            }
                        }
                    }
                    BigInteger prod = a.bigValue(i).multiply(b.bigValue(i));
                    out.setDecimal(i, down >= 0 ? Decimals.divRound(prod, Decimals.pow10Big(down))
                            : prod.multiply(Decimals.pow10Big(-down)));
                }
            }
            case DIVIDE -> {
                // a / 10^sa / (b / 10^sb) at scale s: (a * 10^e) / b with e = s - sa + sb.
                int e = s - a.scale + b.scale;
                long[] x = a.longs;
                long[] y = b.longs;
                long[] r = out.longs;
                int ma = Nulls.mask(a);
                int mb = Nulls.mask(b);
                boolean anyBig = a.big != null || b.big != null;
                long pow = Math.abs(e) < 19 ? Decimals.POW10[Math.abs(e)] : 0;
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    if (nulls != null && nulls[i]) {
                        continue;
                    }
                    long p = x[i & ma];
                    long q = y[i & mb];
                    boolean big = anyBig && (a.isBig(i) || b.isBig(i));
                    if (!big && q == 0) {
                        throw divisionByZero();
                    }
                    if (!big && pow != 0) {
                        long num = e >= 0 ? p * pow : p;
                        long den = e >= 0 ? q : q * pow;
                        boolean ok = e >= 0 ? Math.multiplyHigh(p, pow) == (num >> 63)
                                : Math.multiplyHigh(q, pow) == (den >> 63);
                        if (ok && !(num == Long.MIN_VALUE && den == -1)) {
                            r[i] = Decimals.divRound(num, den);
                            continue;
                        }
                    }
                    BigInteger bq = b.bigValue(i);
                    if (bq.signum() == 0) {
                        throw divisionByZero();
                    }
                    BigInteger num = e >= 0 ? a.bigValue(i).multiply(Decimals.pow10Big(e)) : a.bigValue(i);
                    BigInteger den = e >= 0 ? bq : bq.multiply(Decimals.pow10Big(-e));
                    out.setDecimal(i, Decimals.divRound(num, den));
                }
            }
            case MOD -> {
                int common = Math.max(a.scale, b.scale);
                a = Decimals.rescale(a, common, sel, n);
                b = Decimals.rescale(b, common, sel, n);
                Col m = Col.decimals(len, common);
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    if (nulls != null && nulls[i]) {
                        continue;
                    }
                    if (!a.isBig(i) && !b.isBig(i)) {
                        long q = b.longs[b.idx(i)];
                        if (q == 0) {
                            throw divisionByZero();
                        }
                        m.longs[i] = q == -1 ? 0 : a.longs[a.idx(i)] % q;
                    } else {
                        BigInteger q = b.bigValue(i);
                        if (q.signum() == 0) {
                            throw divisionByZero();
                        }
                        m.setDecimal(i, a.bigValue(i).remainder(q));
                    }
                }
                m.nulls = nulls;
                out = Decimals.rescale(m, s, sel, n);
            }
            default -> throw new IllegalStateException(fn.toString());
        }
        return out;
    }

    /*
     * Fast decimal loops: no BigInteger, no NULL test (a NULL row's value is computed too and ignored; if it
     * overflows, the caller's exact loop takes over from that row and skips it). Each returns the index in
     * sel of the first row that overflowed a long (n when none did), where the caller's slow loop resumes.
     */

    static int addFast(long[] x, int ma, long[] y, int mb, long[] r, int[] sel, int n, boolean minus) {
        int j = 0;
        try {
            if (minus) {
                for (; j < n; j++) {
                    int i = sel[j];
                    r[i] = Math.subtractExact(x[i & ma], y[i & mb]);
                }
            } else {
                for (; j < n; j++) {
                    int i = sel[j];
                    r[i] = Math.addExact(x[i & ma], y[i & mb]);
                }
            }
        } catch (ArithmeticException overflow) {
            // row sel[j] needs the exact path
        }
        return j;
    }

    /** Products rescaled by {@code down} digits (10^|down| = pow), rounding half away from zero. */
    static int timesFast(long[] x, int ma, long[] y, int mb, long[] r, int[] sel, int n, int down, long pow) {
        int j = 0;
        try {
            switch (down) {
                case 0 -> {
                    for (; j < n; j++) {
                        int i = sel[j];
                        r[i] = Math.multiplyExact(x[i & ma], y[i & mb]);
                    }
                }
                // Constant divisors, so that the JIT turns the division into a multiplication.
                case 1 -> {
                    for (; j < n; j++) {
                        int i = sel[j];
                        r[i] = divRoundBy(Math.multiplyExact(x[i & ma], y[i & mb]), 10L);
                    }
                }
                case 2 -> {
                    for (; j < n; j++) {
                        int i = sel[j];
                        r[i] = divRoundBy(Math.multiplyExact(x[i & ma], y[i & mb]), 100L);
                    }
                }
                case 3 -> {
                    for (; j < n; j++) {
                        int i = sel[j];
                        r[i] = divRoundBy(Math.multiplyExact(x[i & ma], y[i & mb]), 1_000L);
                    }
                }
                case 4 -> {
                    for (; j < n; j++) {
                        int i = sel[j];
                        r[i] = divRoundBy(Math.multiplyExact(x[i & ma], y[i & mb]), 10_000L);
                    }
                }
                default -> {
                    if (down > 0) {
                        for (; j < n; j++) {
                            int i = sel[j];
                            r[i] = divRoundBy(Math.multiplyExact(x[i & ma], y[i & mb]), pow);
                        }
                    } else {
                        for (; j < n; j++) {
                            int i = sel[j];
                            r[i] = Math.multiplyExact(Math.multiplyExact(x[i & ma], y[i & mb]), pow);
                        }
                    }
                }
            }
        } catch (ArithmeticException overflow) {
            // row sel[j] needs the exact path
        }
        return j;
    }

    /** {@code v / d} rounded half away from zero, for {@code d > 0}; small enough to inline with d constant. */
    static long divRoundBy(long v, long d) {
        long q = v / d;
        long rem = v - q * d;
        long twice = Math.abs(rem) << 1; // |rem| < d <= 10^18, so no overflow
        if (twice >= d) {
            q += v < 0 ? -1 : 1;
        }
        return q;
    }
}
