package dev.numbat.core.expr;

import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Date and timestamp arithmetic: {@code date ± INTERVAL DAY_TIME} (whole days), {@code date ± INTERVAL
 * YEAR_MONTH} (months, the day clamped to the end of the month as SQL does), the same on timestamps, and
 * {@code date - date} in days. Intervals are held as micros (DAY_TIME) or months (YEAR_MONTH).
 */
final class DateArithNode extends Node {
    enum Op { PLUS_MICROS, PLUS_MONTHS, DAYS_BETWEEN }

    final Node temporal;
    final Node other;
    final Op op;
    final boolean negate;
    final boolean isDate;

    DateArithNode(Op op, Node temporal, Node other, boolean negate, ArrowType type, boolean nullable) {
        super(type, nullable);
        this.op = op;
        this.temporal = temporal;
        this.other = other;
        this.negate = negate;
        this.isDate = temporal.type instanceof ArrowType.Date;
    }

    @Override
    Col eval(Ctx ctx, int[] sel, int n) {
        Col a = temporal.eval(ctx, sel, n);
        Col b = other.eval(ctx, sel, n);
        int len = ctx.rowCount;
        Col out = Col.longs(len);
        boolean[] nulls = Nulls.merge(a, b, sel, n, len);
        out.nulls = nulls;
        long[] x = a.longs;
        long[] y = b.longs;
        long[] r = out.longs;
        int ma = Nulls.mask(a);
        int mb = Nulls.mask(b);
        boolean resultDate = type instanceof ArrowType.Date;
        for (int j = 0; j < n; j++) {
            int i = sel[j];
            if (nulls != null && nulls[i]) {
                continue;
            }
            long t = x[i & ma];
            long v = y[i & mb];
            switch (op) {
                case DAYS_BETWEEN -> r[i] = t - v;
                case PLUS_MICROS -> {
                    long d = negate ? -v : v;
                    if (isDate && resultDate) {
                        r[i] = t + Math.floorDiv(d, DateTimes.MICROS_PER_DAY);
                    } else {
                        long micros = isDate ? t * DateTimes.MICROS_PER_DAY : t;
                        r[i] = Math.addExact(micros, d);
                    }
                }
                case PLUS_MONTHS -> {
                    long months = negate ? -v : v;
                    if (isDate) {
                        long d = DateTimes.plusMonths(t, months);
                        r[i] = resultDate ? d : d * DateTimes.MICROS_PER_DAY;
                    } else {
                        long day = Math.floorDiv(t, DateTimes.MICROS_PER_DAY);
                        long rest = t - day * DateTimes.MICROS_PER_DAY;
                        r[i] = DateTimes.plusMonths(day, months) * DateTimes.MICROS_PER_DAY + rest;
                    }
                }
            }
        }
        return out;
    }
}
