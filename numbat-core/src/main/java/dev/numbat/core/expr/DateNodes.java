package dev.numbat.core.expr;

import dev.numbat.core.NumbatException;
import java.util.Locale;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** EXTRACT(unit FROM d) and DATE_TRUNC(unit, d) on dates (epoch days) and timestamps (epoch micros). */
final class DateNodes {
    private DateNodes() {
    }

    enum Unit { YEAR, QUARTER, MONTH, WEEK, DAY, DOW, DOY, HOUR, MINUTE, SECOND }

    static Unit unit(Fn fn, String text, boolean timestamp) {
        Unit u;
        try {
            u = Unit.valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw NumbatException.userError("%s does not know the unit '%s'", fn, text);
        }
        boolean timeUnit = u == Unit.HOUR || u == Unit.MINUTE || u == Unit.SECOND;
        if (timeUnit && !timestamp || fn == Fn.DATE_TRUNC && (u == Unit.DOW || u == Unit.DOY)) {
            throw NumbatException.userError("%s(%s) is not defined for %s", fn, u, timestamp ? "TIMESTAMP" : "DATE");
        }
        return u;
    }

    /** EXTRACT: computes a BIGINT, the compiler casts it to the call's type. */
    static final class Extract extends Node {
        final Unit unit;
        final Node arg;
        final boolean timestamp;

        Extract(Unit unit, Node arg) {
            super(Types.BIGINT, arg.nullable);
            this.unit = unit;
            this.arg = arg;
            this.timestamp = arg.type instanceof ArrowType.Timestamp;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            Col a = arg.eval(ctx, sel, n);
            int len = ctx.rowCount;
            Col out = Col.longs(len);
            out.nulls = Nulls.copy(a, sel, n, len);
            long[] x = a.longs;
            long[] r = out.longs;
            int ma = Nulls.mask(a);
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                long v = x[i & ma];
                long day = timestamp ? Math.floorDiv(v, DateTimes.MICROS_PER_DAY) : v;
                long micros = timestamp ? v - day * DateTimes.MICROS_PER_DAY : 0;
                r[i] = switch (unit) {
                    case YEAR -> DateTimes.year(day);
                    case QUARTER -> (DateTimes.month(day) - 1) / 3 + 1;
                    case MONTH -> DateTimes.month(day);
                    case WEEK -> DateTimes.isoWeek(day);
                    case DAY -> DateTimes.day(day);
                    case DOW -> DateTimes.dow(day);
                    case DOY -> DateTimes.doy(day);
                    case HOUR -> micros / 3_600_000_000L;
                    case MINUTE -> micros / 60_000_000L % 60;
                    case SECOND -> micros / 1_000_000L % 60;
                };
            }
            return out;
        }
    }

    static final class Trunc extends Node {
        final Unit unit;
        final Node arg;
        final boolean timestamp;

        Trunc(Unit unit, Node arg, ArrowType type, boolean nullable) {
            super(type, nullable);
            this.unit = unit;
            this.arg = arg;
            this.timestamp = arg.type instanceof ArrowType.Timestamp;
        }

        @Override
        Col eval(Ctx ctx, int[] sel, int n) {
            Col a = arg.eval(ctx, sel, n);
            int len = ctx.rowCount;
            Col out = Col.longs(len);
            out.nulls = Nulls.copy(a, sel, n, len);
            long[] x = a.longs;
            long[] r = out.longs;
            int ma = Nulls.mask(a);
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                long v = x[i & ma];
                long day = timestamp ? Math.floorDiv(v, DateTimes.MICROS_PER_DAY) : v;
                long micros = timestamp ? v - day * DateTimes.MICROS_PER_DAY : 0;
                long d;
                switch (unit) {
                    case YEAR -> d = DateTimes.daysFromCivil(DateTimes.year(day), 1, 1);
                    case QUARTER -> d = DateTimes.daysFromCivil(DateTimes.year(day),
                            (DateTimes.month(day) - 1) / 3 * 3 + 1, 1);
                    case MONTH -> d = DateTimes.daysFromCivil(DateTimes.year(day), DateTimes.month(day), 1);
                    case WEEK -> d = day - Math.floorMod(day + 3, 7);
                    default -> d = day;
                }
                long t;
                if (!timestamp) {
                    t = d;
                } else {
                    long unitMicros = switch (unit) {
                        case HOUR -> 3_600_000_000L;
                        case MINUTE -> 60_000_000L;
                        case SECOND -> 1_000_000L;
                        default -> 0;
                    };
                    t = d * DateTimes.MICROS_PER_DAY + (unitMicros == 0 ? 0 : micros - micros % unitMicros);
                }
                if (type instanceof ArrowType.Timestamp && !timestamp) {
                    t *= DateTimes.MICROS_PER_DAY;
                } else if (type instanceof ArrowType.Date && timestamp) {
                    t = Math.floorDiv(t, DateTimes.MICROS_PER_DAY);
                }
                r[i] = t;
            }
            return out;
        }
    }
}
