package dev.numbat.core.expr;

import dev.numbat.core.NumbatException;
import java.math.BigInteger;

/** Scaled-integer helpers for DECIMAL evaluation: powers of ten, rescaling and rounding. */
final class Decimals {
    static final long[] POW10 = new long[19];
    static final BigInteger[] BIG_POW10 = new BigInteger[77];
    /** The largest magnitude a DECIMAL(38) holds, plus one. */
    static final BigInteger LIMIT38;

    static {
        long p = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = p;
            p *= 10;
        }
        for (int i = 0; i < BIG_POW10.length; i++) {
            BIG_POW10[i] = BigInteger.TEN.pow(i);
        }
        LIMIT38 = BIG_POW10[38];
    }

    private Decimals() {
    }

    static BigInteger fromTwoLongs(long lo, long hi) {
        byte[] b = new byte[16];
        for (int k = 0; k < 8; k++) {
            b[15 - k] = (byte) (lo >>> (8 * k));
            b[7 - k] = (byte) (hi >>> (8 * k));
        }
        return new BigInteger(b);
    }

    static BigInteger pow10Big(int n) {
        return n < BIG_POW10.length ? BIG_POW10[n] : BigInteger.TEN.pow(n);
    }

    /** {@code n / d} rounded half away from zero (d != 0). */
    static long divRound(long n, long d) {
        long q = n / d;
        long r = n % d;
        if (r != 0) {
            // |2r| >= |d| without overflow: |r| >= |d| - |r|
            long ar = Math.abs(r);
            long ad = Math.abs(d);
            if (ar >= ad - ar) {
                q += ((n ^ d) < 0) ? -1 : 1;
            }
        }
        return q;
    }

    static BigInteger divRound(BigInteger n, BigInteger d) {
        BigInteger[] qr = n.divideAndRemainder(d);
        BigInteger q = qr[0];
        if (qr[1].signum() != 0 && qr[1].abs().shiftLeft(1).compareTo(d.abs()) >= 0) {
            q = n.signum() * d.signum() < 0 ? q.subtract(BigInteger.ONE) : q.add(BigInteger.ONE);
        }
        return q;
    }

    /**
     * Rescales {@code c} (in place when possible, else into a new column) from its scale to {@code scale},
     * for the rows of {@code sel}: exact when growing, rounding half away from zero when shrinking.
     */
    static Col rescale(Col c, int scale, int[] sel, int n) {
        if (c.scale == scale) {
            return c;
        }
        int len = c.constant ? 1 : c.length();
        Col out = Col.decimals(len, scale);
        out.constant = c.constant;
        out.nulls = c.nulls;
        int m = c.constant ? 1 : n;
        int diff = scale - c.scale;
        for (int j = 0; j < m; j++) {
            int i = c.constant ? 0 : sel[j];
            if (c.nulls != null && c.nulls[i]) {
                continue;
            }
            if (c.big == null || c.big[i] == null) {
                long v = c.longs[i];
                if (diff > 0) {
                    if (diff < 19) {
                        long p = POW10[diff];
                        long hi = Math.multiplyHigh(v, p);
                        long lo = v * p;
                        if (hi == (lo >> 63)) {
                            out.longs[i] = lo;
                            continue;
                        }
                    }
                } else {
                    int d = -diff;
                    out.longs[i] = d < 19 ? divRound(v, POW10[d]) : 0;
                    continue;
                }
            }
            BigInteger b = c.bigValue(i);
            out.setDecimal(i, diff > 0 ? b.multiply(pow10Big(diff)) : divRound(b, pow10Big(-diff)));
        }
        return out;
    }

    static NumbatException overflow(String type) {
        return NumbatException.userError("%s overflow", type);
    }
}
