package dev.numbat.core.expr;

/**
 * Calendar arithmetic on epoch days and epoch microseconds without allocating (proleptic Gregorian, UTC),
 * after Howard Hinnant's {@code civil_from_days}/{@code days_from_civil}.
 */
final class DateTimes {
    static final long MICROS_PER_DAY = 86_400_000_000L;

    private DateTimes() {
    }

    /** Year, month (1–12) and day (1–31) of an epoch day, packed as year * 10000 + month * 100 + day. */
    static long civil(long epochDay) {
        long z = epochDay + 719468;
        long era = Math.floorDiv(z, 146097);
        long doe = z - era * 146097;
        long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
        long y = yoe + era * 400;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        long d = doy - (153 * mp + 2) / 5 + 1;
        long m = mp < 10 ? mp + 3 : mp - 9;
        if (m <= 2) {
            y++;
        }
        return y * 10000 + (y < 0 ? -(m * 100 + d) : m * 100 + d);
    }

    static long year(long epochDay) {
        long c = civil(epochDay);
        return c / 10000;
    }

    static int month(long epochDay) {
        return (int) (Math.abs(civil(epochDay)) / 100 % 100);
    }

    static int day(long epochDay) {
        return (int) (Math.abs(civil(epochDay)) % 100);
    }

    static long daysFromCivil(long y, long m, long d) {
        y -= m <= 2 ? 1 : 0;
        long era = Math.floorDiv(y, 400);
        long yoe = y - era * 400;
        long doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    static boolean leap(long y) {
        return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    }

    static int monthLength(long y, int m) {
        return switch (m) {
            case 2 -> leap(y) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** {@code epochDay} plus {@code months}, clamping the day to the end of the target month. */
    static long plusMonths(long epochDay, long months) {
        long c = civil(epochDay);
        long y = c / 10000;
        long md = Math.abs(c % 10000);
        long m = md / 100;
        long d = md % 100;
        long total = y * 12 + (m - 1) + months;
        long ny = Math.floorDiv(total, 12);
        int nm = (int) Math.floorMod(total, 12) + 1;
        long nd = Math.min(d, monthLength(ny, nm));
        return daysFromCivil(ny, nm, nd);
    }

    /** Day of week, 0 = Sunday .. 6 = Saturday (Postgres/DuckDB {@code dow}). */
    static int dow(long epochDay) {
        return (int) Math.floorMod(epochDay + 4, 7); // 1970-01-01 was a Thursday
    }

    static int doy(long epochDay) {
        long y = year(epochDay);
        return (int) (epochDay - daysFromCivil(y, 1, 1) + 1);
    }

    /** ISO-8601 week number (weeks start on Monday; week 1 holds the year's first Thursday). */
    static int isoWeek(long epochDay) {
        int isoDow = (int) Math.floorMod(epochDay + 3, 7) + 1; // Monday = 1
        long thursday = epochDay - isoDow + 4;
        long y = year(thursday);
        return (int) ((thursday - daysFromCivil(y, 1, 1)) / 7 + 1);
    }
}
