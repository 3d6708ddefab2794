package dev.numbat.core.expr;

import java.math.BigDecimal;
import java.math.RoundingMode;

/**
 * ABS, ROUND(x[, digits]) (half away from zero), FLOOR and CEIL, computed in the argument's kind (the compiler
 * casts the result to the call's type). For DECIMAL the result keeps the argument's scale.
 */
final class NumberNodes {
    private NumberNodes() {
    }

    static final class Rounding extends Node {
        final Fn fn;
        final Node arg;
        final int digits;

        Rounding(Fn fn, Node arg, int digits) {
            super(arg.type, arg.nullable);
            this.fn = fn;
            this.arg = arg;
            this.digits = digits;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            Col a = arg.eval(ctx, sel, n);
            int len = ctx.rowCount;
            Col out = Col.of(a.kind, a.scale, len);
            out.nulls = Nulls.copy(a, sel, n, len);
            boolean[] nulls = out.nulls;
            switch (a.kind) {
                case LONG -> {
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        if (nulls != null && nulls[i]) {
                            continue;
                        }
                        long v = a.longs[a.idx(i)];
                        out.longs[i] = switch (fn) {
                            case ABS -> absExact(v);
                            case ROUND -> digits >= 0 ? v : roundLong(v, -digits);
                            default -> v;
                        };
                    }
                }
                case DOUBLE -> {
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        double v = a.doubles[a.idx(i)];
                        out.doubles[i] = switch (fn) {
                            case ABS -> Math.abs(v);
                            case FLOOR -> Math.floor(v);
                            case CEIL -> Math.ceil(v);
                            default -> roundDouble(v, digits);
                        };
                    }
                }
                case DECIMAL -> {
                    int s = a.scale;
                    for (int j = 0; j < n; j++) {
                        int i = sel[j];
                        if (nulls != null && nulls[i]) {
                            continue;
                        }
                        if (!a.isBig(i) && s < 19) {
                            long v = a.longs[a.idx(i)];
                            if (fn == Fn.ABS) {
                                if (v != Long.MIN_VALUE) {
                                    out.longs[i] = Math.abs(v);
                                    continue;
                                }
                            } else {
                                int drop = fn == Fn.ROUND ? s - digits : s;
                                if (drop <= 0) {
                                    out.longs[i] = v;
                                    continue;
                                }
                                if (drop < 19) {
                                    long p = Decimals.POW10[drop];
                                    long q = switch (fn) {
                                        case FLOOR -> Math.floorDiv(v, p);
                                        case CEIL -> -Math.floorDiv(-v, p);
                                        default -> Decimals.divRound(v, p);
                                    };
                                    long hi = Math.multiplyHigh(q, p);
                                    long lo = q * p;
                                    if (hi == (lo >> 63)) {
                                        out.longs[i] = lo;
                                        continue;
                                    }
                                }
                            }
                        }
                        BigDecimal v = a.decimalValue(i);
                        BigDecimal r = switch (fn) {
                            case ABS -> v.abs();
                            case FLOOR -> v.setScale(0, RoundingMode.FLOOR);
                            case CEIL -> v.setScale(0, RoundingMode.CEILING);
                            default -> v.setScale(digits, RoundingMode.HALF_UP);
                        };
                        out.setDecimal(i, r.setScale(s, RoundingMode.UNNECESSARY).unscaledValue());
                    }
                }
                default -> throw new IllegalStateException(a.kind.toString());
            }
            return out;
        }

        private static long absExact(long v) {
            if (v == Long.MIN_VALUE) {
                throw Decimals.overflow("BIGINT");
            }
            return Math.abs(v);
        }

        private static long roundLong(long v, int places) {
            if (places >= 19) {
                return 0;
            }
            long p = Decimals.POW10[places];
            return Math.multiplyExact(Decimals.divRound(v, p), p);
        }

        static double roundDouble(double v, int digits) {
            if (Double.isNaN(v) || Double.isInfinite(v)) {
                return v;
            }
            return BigDecimal.valueOf(v).setScale(digits, RoundingMode.HALF_UP).doubleValue();
        }
    }
}
