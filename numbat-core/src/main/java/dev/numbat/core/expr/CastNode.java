package dev.numbat.core.expr;

import dev.numbat.core.NumbatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * CAST between the types expressions compute with. Numbers convert with rounding half away from zero
 * (decimal to integer, double to integer or decimal, decimal to a smaller scale); out-of-range results are
 * USER_ERRORs naming the type. Dates and timestamps convert both ways (a timestamp truncates to its day).
 * Numbers, dates, timestamps and booleans format as text; text parses to numbers, dates, timestamps and
 * booleans, with a USER_ERROR naming the bad value.
 */
final class CastNode extends Node {
    final Node arg;

    CastNode(Node arg, ArrowType type, boolean nullable) {
        super(type, nullable);
        this.arg = arg;
    }

    /** Whether a value of {@code from} can be cast to {@code to}. */
    static boolean supported(ArrowType from, ArrowType to) {
        if (from.equals(to)) {
            return true;
        }
        boolean fromNum = Kinds.isNumeric(from);
        boolean toNum = Kinds.isNumeric(to);
        if (fromNum && toNum) {
            return true;
        }
        if (Kinds.isTemporal(from) && Kinds.isTemporal(to)) {
            return true;
        }
        if (Kinds.isString(to)) {
            return true;
        }
        if (Kinds.isString(from)) {
            return toNum || Kinds.isTemporal(to) || to instanceof ArrowType.Bool;
        }
        if (from instanceof ArrowType.Bool && toNum) {
            return true;
        }
        return from instanceof ArrowType.Null;
    }

    @Override
    Col eval(Ctx ctx, int[] sel, int n) {
        Col a = arg.eval(ctx, sel, n);
        return cast(a, arg.type, type, sel, n, ctx.rowCount);
    }

    static Col cast(Col a, ArrowType from, ArrowType to, int[] sel, int n, int len) {
        if (ExprCompiler.Builder.sameRepresentation(from, to)) {
            return a;
        }
        if (a.constant) {
            sel = new int[] {0};
            n = 1;
            len = 1;
        }
        Col out = castRows(a, from, to, sel, n, len);
        out.constant = a.constant;
        return out;
    }

    private static Col castRows(Col a, ArrowType from, ArrowType to, int[] sel, int n, int len) {
        Col.Kind target = Kinds.kind(to);
        if (a.kind == Col.Kind.BYTES && target != Col.Kind.BYTES) {
            return TextCasts.parse(a, to, sel, n, len);
        }
        if (target == Col.Kind.BYTES) {
            return TextCasts.format(a, from, sel, n, len);
        }
        boolean[] nulls = a.nulls;
        switch (target) {
            case LONG -> {
                Col out = Col.longs(len);
                out.nulls = nulls;
                long[] r = out.longs;
                if (to instanceof ArrowType.Int it) {
                    int bits = it.getBitWidth();
                    long min = bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
                    long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        if (nulls != null && nulls[i]) {
                            continue;
                        }
                        long v = switch (a.kind) {
                            case LONG -> a.longs[i];
                            case BOOL -> a.bools[i] ? 1 : 0;
                            case DOUBLE -> doubleToLong(a.doubles[i], to);
                            case DECIMAL -> decimalToLong(a, i, to);
                            default -> throw new IllegalStateException();
                        };
                        if (v < min || v > max) {
                            throw Decimals.overflow(Kinds.name(to));
                        }
                        r[i] = v;
                    }
                } else if (to instanceof ArrowType.Date && from instanceof ArrowType.Timestamp) {
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        r[i] = Math.floorDiv(a.longs[i], DateTimes.MICROS_PER_DAY);
                    }
                } else if (to instanceof ArrowType.Timestamp && from instanceof ArrowType.Date) {
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        r[i] = a.longs[i] * DateTimes.MICROS_PER_DAY;
                    }
                } else if (a.kind == Col.Kind.LONG) {
                    System.arraycopy(a.longs, 0, r, 0, Math.min(len, a.longs.length));
                } else {
                    throw NumbatException.userError("cannot cast %s to %s", Kinds.name(from), Kinds.name(to));
                }
                return out;
            }
            case DOUBLE -> {
                Col out = Col.doubles(len);
                out.nulls = nulls;
                double[] r = out.doubles;
                switch (a.kind) {
                    case LONG -> {
                        for (int j = 0; j < n; j++) {
                            int i = sel[j];
                            r[i] = a.longs[i];
                        }
                    }
                    case DOUBLE -> System.arraycopy(a.doubles, 0, r, 0, Math.min(len, a.doubles.length));
                    case BOOL -> {
                        for (int j = 0; j < n; j++) {
                            int i = sel[j];
                            r[i] = a.bools[i] ? 1 : 0;
                        }
                    }
                    case DECIMAL -> {
                        int s = a.scale;
                        double p = s < 19 ? Decimals.POW10[s] : Math.pow(10, s);
                        boolean exact = s < 19;
                        for (int j = 0; j < n; j++) {
                            int i = sel[j];
                            if (a.big != null && a.big[i] != null || !exact) {
                                r[i] = a.decimalValue(i).doubleValue();
                            } else {
                                long v = a.longs[i];
                                r[i] = Math.abs(v) < (1L << 53) ? v / p : BigDecimal.valueOf(v, s).doubleValue();
                            }
                        }
                    }
                    default -> throw new IllegalStateException();
                }
                return out;
            }
            case DECIMAL -> {
                int s = Kinds.scale(to);
                switch (a.kind) {
                    case DECIMAL -> {
                        return Decimals.rescale(a, s, sel, n);
                    }
                    case LONG, BOOL -> {
                        Col d = Col.decimals(len, 0);
                        d.nulls = nulls;
                        for (int j = 0; j < n; j++) {
                            int i = sel[j];
                            d.longs[i] = a.kind == Col.Kind.LONG ? a.longs[i] : a.bools[i] ? 1 : 0;
                        }
                        return Decimals.rescale(d, s, sel, n);
                    }
                    case DOUBLE -> {
                        Col d = Col.decimals(len, s);
                        d.nulls = nulls;
                        for (int j = 0; j < n; j++) {
                            int i = sel[j];
                            if (nulls != null && nulls[i]) {
                                continue;
                            }
                            double x = a.doubles[i];
                            if (Double.isNaN(x) || Double.isInfinite(x)) {
                                throw NumbatException.userError("cannot cast %s to %s", x, Kinds.name(to));
                            }
                            d.setDecimal(i, BigDecimal.valueOf(x).setScale(s, RoundingMode.HALF_UP).unscaledValue());
                        }
                        return d;
                    }
                    default -> throw new IllegalStateException();
                }
            }
            case BOOL -> {
                if (a.kind == Col.Kind.BOOL) {
                    return a;
                }
                Col out = Col.bools(len);
                out.nulls = nulls;
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    out.bools[i] = switch (a.kind) {
                        case LONG -> a.longs[i] != 0;
                        case DOUBLE -> a.doubles[i] != 0;
                        case DECIMAL -> a.bigValue(i).signum() != 0;
                        default -> throw new IllegalStateException();
                    };
                }
                return out;
            }
            default -> throw NumbatException.userError("cannot cast %s to %s", Kinds.name(from), Kinds.name(to));
        }
    }

    static long doubleToLong(double x, ArrowType to) {
        if (Double.isNaN(x) || x >= 9.223372036854775807E18 || x < -9.223372036854775808E18) {
            throw NumbatException.userError("cannot cast %s to %s: out of range", x, Kinds.name(to));
        }
        return (long) (x < 0 ? Math.ceil(x - 0.5) : Math.floor(x + 0.5));
    }

    static long decimalToLong(Col a, int i, ArrowType to) {
        int s = a.scale;
        if ((a.big == null || a.big[i] == null) && s < 19) {
            return Decimals.divRound(a.longs[i], Decimals.POW10[s]);
        }
        BigInteger q = Decimals.divRound(a.bigValue(i), Decimals.pow10Big(s));
        if (q.bitLength() >= 64) {
            throw Decimals.overflow(Kinds.name(to));
        }
        return q.longValue();
    }
}
