package dev.numbat.io.csv;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;

/**
 * Parses values from the bytes of a field, without making a String on the common path. Each method returns
 * whether the bytes were a valid value and leaves the value in {@link #longValue}, {@link #doubleValue} or
 * {@link #bigValue}, so nothing is boxed. Spaces around numbers, dates and booleans are ignored (as SQL casts
 * do); strings are never trimmed. One instance per reader (it is not thread-safe).
 */
final class CsvValueParser {
    private static final long MICROS_PER_DAY = 86_400_000_000L;
    private static final double[] POW10 = new double[23];
    private static final long[] LPOW10 = new long[19];

    static {
        double d = 1;
        for (int i = 0; i < POW10.length; i++) {
            POW10[i] = d;
            d *= 10;
        }
        long l = 1;
        for (int i = 0; i < LPOW10.length; i++) {
            LPOW10[i] = l;
            l *= 10;
        }
    }

    long longValue;
    double doubleValue;
    BigDecimal bigValue;

    private static int skipSpaces(byte[] b, int s, int e) {
        while (s < e && b[s] == ' ') {
            s++;
        }
        return s;
    }

    private static int trimEnd(byte[] b, int s, int e) {
        while (e > s && b[e - 1] == ' ') {
            e--;
        }
        return e;
    }

    /** A signed 64-bit integer: {@code [+-]digits}. */
    boolean parseLong(byte[] b, int s, int e) {
        s = skipSpaces(b, s, e);
        e = trimEnd(b, s, e);
        if (s >= e) {
            return false;
        }
        boolean negative = false;
        byte c = b[s];
        if (c == '-' || c == '+') {
            negative = c == '-';
            if (++s == e) {
                return false;
            }
        }
        // Accumulate negatively so that Long.MIN_VALUE parses, as Long.parseLong does.
        long v = 0;
        for (int i = s; i < e; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                return false;
            }
            if (v < -922337203685477580L || (v == -922337203685477580L && d > 8)) {
                return false;
            }
            v = v * 10 - d;
        }
        if (!negative) {
            if (v == Long.MIN_VALUE) {
                return false;
            }
            v = -v;
        }
        longValue = v;
        return true;
    }

    /**
     * A double: decimal digits with an optional point and exponent, or inf/infinity/nan. Exact (correctly
     * rounded): the fast path is taken only when the mantissa fits in 53 bits and the power of ten is exact
     * (Clinger's fast path); everything else goes to {@link Double#parseDouble}.
     */
    boolean parseDouble(byte[] b, int s, int e) {
        s = skipSpaces(b, s, e);
        e = trimEnd(b, s, e);
        if (s >= e) {
            return false;
        }
        int i = s;
        boolean negative = false;
        if (b[i] == '-' || b[i] == '+') {
            negative = b[i] == '-';
            i++;
        }
        long mantissa = 0;
        int digits = 0;
        int significant = 0;
        int exp10 = 0;
        boolean point = false;
        for (; i < e; i++) {
            int c = b[i];
            if (c >= '0' && c <= '9') {
                digits++;
                if (significant < 18) {
                    if (mantissa != 0 || c != '0') {
                        significant++;
                    }
                    mantissa = mantissa * 10 + (c - '0');
                    if (point) {
                        exp10--;
                    }
                } else {
                    significant++; // more than 18 significant digits: only the slow path is exact
                }
            } else if (c == '.' && !point) {
                point = true;
            } else {
                break;
            }
        }
        if (i < e) {
            int c = b[i];
            if ((c == 'e' || c == 'E') && digits > 0) {
                i++;
                boolean expNegative = false;
                if (i < e && (b[i] == '-' || b[i] == '+')) {
                    expNegative = b[i] == '-';
                    i++;
                }
                if (i == e) {
                    return false;
                }
                int x = 0;
                for (; i < e; i++) {
                    int d = b[i] - '0';
                    if (d < 0 || d > 9) {
                        return false;
                    }
                    if (x < 100_000) {
                        x = x * 10 + d;
                    }
                }
                exp10 += expNegative ? -x : x;
            } else {
                return digits == 0 && parseSpecialDouble(b, s, e);
            }
        }
        if (digits == 0) {
            return false;
        }
        if (significant <= 18 && mantissa <= (1L << 53) && exp10 >= -22 && exp10 <= 22) {
            double v = mantissa;
            v = exp10 >= 0 ? v * POW10[exp10] : v / POW10[-exp10];
            doubleValue = negative ? -v : v;
            return true;
        }
        // Slow but exact; the syntax was checked above, so this cannot throw.
        doubleValue = Double.parseDouble(new String(b, s, e - s, StandardCharsets.ISO_8859_1));
        return true;
    }

    private boolean parseSpecialDouble(byte[] b, int s, int e) {
        boolean negative = false;
        if (b[s] == '-' || b[s] == '+') {
            negative = b[s] == '-';
            s++;
        }
        if (equalsIgnoreCase(b, s, e, "inf") || equalsIgnoreCase(b, s, e, "infinity")) {
            doubleValue = negative ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
            return true;
        }
        if (equalsIgnoreCase(b, s, e, "nan")) {
            doubleValue = Double.NaN;
            return true;
        }
        return false;
    }

    static boolean equalsIgnoreCase(byte[] b, int s, int e, String word) {
        if (e - s != word.length()) {
            return false;
        }
        for (int i = 0; i < word.length(); i++) {
            if ((b[s + i] | 0x20) != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /**
     * A decimal with at most {@code precision} digits, {@code scale} of them after the point. Extra fraction
     * digits are rounded half away from zero (as DuckDB's cast does). With precision up to 18 the unscaled
     * value is left in {@link #longValue}; above that (or with an exponent) in {@link #bigValue}.
     */
    boolean parseDecimal(byte[] b, int s, int e, int precision, int scale) {
        s = skipSpaces(b, s, e);
        e = trimEnd(b, s, e);
        if (s >= e) {
            return false;
        }
        if (precision > 18) {
            return parseBigDecimal(b, s, e, precision, scale);
        }
        int i = s;
        boolean negative = false;
        if (b[i] == '-' || b[i] == '+') {
            negative = b[i] == '-';
            i++;
        }
        long v = 0;
        int intDigits = 0;
        int digits = 0;
        for (; i < e; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                break;
            }
            digits++;
            if (v != 0 || d != 0) {
                if (++intDigits > precision - scale) {
                    return false;
                }
            }
            v = v * 10 + d;
        }
        int fraction = 0;
        if (i < e && b[i] == '.') {
            i++;
            for (; i < e; i++) {
                int d = b[i] - '0';
                if (d < 0 || d > 9) {
                    break;
                }
                digits++;
                if (fraction < scale) {
                    v = v * 10 + d;
                    fraction++;
                } else if (fraction == scale) {
                    if (d >= 5) {
                        v++; // round half away from zero (the sign is applied below)
                    }
                    fraction++;
                }
            }
        }
        if (i < e) {
            if (digits > 0 && (b[i] == 'e' || b[i] == 'E')) {
                return parseBigDecimal(b, s, e, precision, scale);
            }
            return false;
        }
        if (digits == 0) {
            return false;
        }
        for (; fraction < scale; fraction++) {
            v *= 10;
        }
        if (v >= LPOW10[precision]) {
            return false; // rounding carried into one digit too many
        }
        longValue = negative ? -v : v;
        return true;
    }

    private boolean parseBigDecimal(byte[] b, int s, int e, int precision, int scale) {
        for (int i = s; i < e; i++) {
            int c = b[i];
            if (!((c >= '0' && c <= '9') || c == '.' || c == '-' || c == '+' || c == 'e' || c == 'E')) {
                return false;
            }
        }
        try {
            BigDecimal d = new BigDecimal(new String(b, s, e - s, StandardCharsets.ISO_8859_1))
                    .setScale(scale, RoundingMode.HALF_UP);
            if (d.precision() > precision && d.signum() != 0) {
                return false;
            }
            bigValue = d;
            if (precision <= 18) {
                longValue = d.unscaledValue().longValueExact();
            }
            return true;
        } catch (NumberFormatException | ArithmeticException ex) {
            return false;
        }
    }

    /** {@code true/false}, {@code t/f}, {@code yes/no}, {@code y/n}, {@code 1/0}, any case; 1 or 0 in longValue. */
    boolean parseBoolean(byte[] b, int s, int e) {
        s = skipSpaces(b, s, e);
        e = trimEnd(b, s, e);
        int n = e - s;
        if (n == 0) {
            return false;
        }
        if (n == 1) {
            int c = b[s] | 0x20;
            if (c == 't' || c == 'y' || c == '1') {
                longValue = 1;
                return true;
            }
            if (c == 'f' || c == 'n' || c == '0') {
                longValue = 0;
                return true;
            }
            return false;
        }
        if (equalsIgnoreCase(b, s, e, "true") || equalsIgnoreCase(b, s, e, "yes")) {
            longValue = 1;
            return true;
        }
        if (equalsIgnoreCase(b, s, e, "false") || equalsIgnoreCase(b, s, e, "no")) {
            longValue = 0;
            return true;
        }
        return false;
    }

    /** Only {@code true}/{@code false} (any case): what inference takes as a boolean column. */
    static boolean isStrictBoolean(byte[] b, int s, int e) {
        return equalsIgnoreCase(b, s, e, "true") || equalsIgnoreCase(b, s, e, "false");
    }

    /** An ISO date {@code yyyy-MM-dd} (month and day may have one digit); days since 1970-01-01 in longValue. */
    boolean parseDate(byte[] b, int s, int e) {
        if (e - s == 10 && b[s + 4] == '-' && b[s + 7] == '-') {
            // The common case, yyyy-MM-dd, without loops.
            int y0 = b[s] - '0';
            int y1 = b[s + 1] - '0';
            int y2 = b[s + 2] - '0';
            int y3 = b[s + 3] - '0';
            int m0 = b[s + 5] - '0';
            int m1 = b[s + 6] - '0';
            int d0 = b[s + 8] - '0';
            int d1 = b[s + 9] - '0';
            if ((y0 | y1 | y2 | y3 | m0 | m1 | d0 | d1) >= 0 && y0 <= 9 && y1 <= 9 && y2 <= 9 && y3 <= 9 && m0 <= 9
                    && m1 <= 9 && d0 <= 9 && d1 <= 9) {
                int year = y0 * 1000 + y1 * 100 + y2 * 10 + y3;
                int month = m0 * 10 + m1;
                int day = d0 * 10 + d1;
                if (month < 1 || month > 12 || day < 1 || (day > 28 && day > daysInMonth(year, month))) {
                    return false;
                }
                longValue = epochDay(year, month, day);
                return true;
            }
            return false;
        }
        s = skipSpaces(b, s, e);
        e = trimEnd(b, s, e);
        int end = parseDatePart(b, s, e);
        return end == e;
    }

    /** Parses the date at {@code s}; returns where it stopped, or -1. */
    private int parseDatePart(byte[] b, int s, int e) {
        int i = s;
        int year = 0;
        int n = 0;
        while (i < e && n < 6 && b[i] >= '0' && b[i] <= '9') {
            year = year * 10 + (b[i++] - '0');
            n++;
        }
        if (n < 4 || i >= e || b[i++] != '-') {
            return -1;
        }
        int month = 0;
        n = 0;
        while (i < e && n < 2 && b[i] >= '0' && b[i] <= '9') {
            month = month * 10 + (b[i++] - '0');
            n++;
        }
        if (n == 0 || i >= e || b[i++] != '-') {
            return -1;
        }
        int day = 0;
        n = 0;
        while (i < e && n < 2 && b[i] >= '0' && b[i] <= '9') {
            day = day * 10 + (b[i++] - '0');
            n++;
        }
        if (n == 0 || month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) {
            return -1;
        }
        longValue = epochDay(year, month, day);
        return i;
    }

    private static int daysInMonth(int year, int month) {
        return switch (month) {
            case 2 -> (year % 4 == 0 && (year % 100 != 0 || year % 400 == 0)) ? 29 : 28;
            case 4, 6, 9, 11 -> 30;
            default -> 31;
        };
    }

    /** Days from 1970-01-01 to the given proleptic Gregorian date (H. Hinnant's days_from_civil). */
    static long epochDay(long y, int m, int d) {
        y -= m <= 2 ? 1 : 0;
        long era = (y >= 0 ? y : y - 399) / 400;
        long yoe = y - era * 400;
        long doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
        long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        return era * 146097 + doe - 719468;
    }

    /**
     * An ISO timestamp {@code yyyy-MM-dd[( |T)HH:mm[:ss[.fraction]]]}; microseconds since the epoch in
     * longValue (digits past the sixth of the fraction are dropped).
     */
    boolean parseTimestamp(byte[] b, int s, int e) {
        s = skipSpaces(b, s, e);
        e = trimEnd(b, s, e);
        int i = parseDatePart(b, s, e);
        if (i < 0) {
            return false;
        }
        long micros = longValue * MICROS_PER_DAY;
        if (i == e) {
            longValue = micros;
            return true;
        }
        if (b[i] != ' ' && b[i] != 'T') {
            return false;
        }
        i++;
        int hour = twoDigits(b, i, e);
        if (hour < 0 || hour > 24 || i + 2 >= e || b[i + 2] != ':') {
            return false;
        }
        i += 3;
        int minute = twoDigits(b, i, e);
        if (minute < 0 || minute > 59) {
            return false;
        }
        i += 2;
        int second = 0;
        long fraction = 0;
        if (i < e) {
            if (b[i] != ':') {
                return false;
            }
            second = twoDigits(b, i + 1, e);
            if (second < 0 || second > 60) {
                return false;
            }
            i += 3;
            if (i < e) {
                if (b[i] != '.') {
                    return false;
                }
                i++;
                int n = 0;
                for (; i < e; i++, n++) {
                    int d = b[i] - '0';
                    if (d < 0 || d > 9 || n >= 9) {
                        return false;
                    }
                    if (n < 6) {
                        fraction = fraction * 10 + d;
                    }
                }
                if (n == 0) {
                    return false;
                }
                for (; n < 6; n++) {
                    fraction *= 10;
                }
            }
        }
        longValue = micros + ((hour * 60L + minute) * 60L + second) * 1_000_000L + fraction;
        return true;
    }

    private static int twoDigits(byte[] b, int i, int e) {
        if (i + 1 >= e) {
            return -1;
        }
        int h = b[i] - '0';
        int l = b[i + 1] - '0';
        if (h < 0 || h > 9 || l < 0 || l > 9) {
            return -1;
        }
        return h * 10 + l;
    }
}
