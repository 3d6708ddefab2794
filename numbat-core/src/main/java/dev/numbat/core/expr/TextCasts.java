package dev.numbat.core.expr;

import dev.numbat.core.NumbatException;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** CASTs from and to text; per-row work here may allocate (these casts are not on hot paths). */
final class TextCasts {
    private TextCasts() {
    }

    static Col parse(Col a, ArrowType to, int[] sel, int n, int len) {
        Col out = Col.of(Kinds.kind(to), Kinds.scale(to), len);
        out.nulls = a.nulls;
        for (int j = 0; j < n; j++) {
            int i = sel[j];
            if (a.nulls != null && a.nulls[i]) {
                continue;
            }
            String s = a.string(i);
            String t = s.strip();
            try {
                switch (to.getTypeID()) {
                    case Int -> {
                        long v;
                        try {
                            v = Long.parseLong(t);
                        } catch (NumberFormatException e) {
                            v = CastNode.decimalToLong(decimalCol(new BigDecimal(t)), 0, to);
                        }
                        int bits = ((ArrowType.Int) to).getBitWidth();
                        if (bits < 64 && (v < -(1L << (bits - 1)) || v > (1L << (bits - 1)) - 1)) {
                            throw Decimals.overflow(Kinds.name(to));
                        }
                        out.longs[i] = v;
                    }
                    case FloatingPoint -> out.doubles[i] = Double.parseDouble(t);
                    case Decimal -> out.setDecimal(i, new BigDecimal(t).setScale(Kinds.scale(to), RoundingMode.HALF_UP)
                            .unscaledValue());
                    case Date -> out.longs[i] = LocalDate.parse(t).toEpochDay();
                    case Timestamp -> out.longs[i] = parseTimestamp(t);
                    case Bool -> {
                        String l = t.toLowerCase(java.util.Locale.ROOT);
                        if (l.equals("true") || l.equals("t") || l.equals("1")) {
                            out.bools[i] = true;
                        } else if (l.equals("false") || l.equals("f") || l.equals("0")) {
                            out.bools[i] = false;
                        } else {
                            throw new NumberFormatException(t);
                        }
                    }
                    default -> throw NumbatException.userError("cannot cast VARCHAR to %s", Kinds.name(to));
                }
            } catch (NumberFormatException | DateTimeParseException | ArithmeticException e) {
                throw NumbatException.userError("cannot cast '%s' to %s", s, Kinds.name(to));
            }
        }
        return out;
    }

    private static Col decimalCol(BigDecimal d) {
        Col c = Col.decimals(1, Math.max(d.scale(), 0));
        c.setDecimal(0, d.setScale(Math.max(d.scale(), 0)).unscaledValue());
        return c;
    }

    static long parseTimestamp(String t) {
        if (t.length() <= 10) {
            return LocalDate.parse(t).toEpochDay() * DateTimes.MICROS_PER_DAY;
        }
        LocalDateTime dt = LocalDateTime.parse(t.replace(' ', 'T'));
        return ChronoUnit.MICROS.between(java.time.Instant.EPOCH, dt.toInstant(ZoneOffset.UTC));
    }

    static String formatTimestamp(long micros) {
        LocalDateTime dt = LocalDateTime.ofEpochSecond(Math.floorDiv(micros, 1_000_000L),
                (int) Math.floorMod(micros, 1_000_000L) * 1000, ZoneOffset.UTC);
        String s = dt.toLocalDate() + " " + dt.toLocalTime();
        return dt.getSecond() == 0 && dt.getNano() == 0 ? s + ":00" : s;
    }

    static Col format(Col a, ArrowType from, int[] sel, int n, int len) {
        if (a.kind == Col.Kind.BYTES) {
            return a;
        }
        Col out = Col.bytes(len);
        out.nulls = a.nulls;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        for (int j = 0; j < n; j++) {
            int i = sel[j];
            out.start[i] = buf.size();
            if (a.nulls == null || !a.nulls[i]) {
                String s = switch (a.kind) {
                    case BOOL -> a.bools[i] ? "true" : "false";
                    case DOUBLE -> Double.toString(a.doubles[i]);
                    case DECIMAL -> a.decimalValue(i).toPlainString();
                    case LONG -> from instanceof ArrowType.Date ? LocalDate.ofEpochDay(a.longs[i]).toString()
                            : from instanceof ArrowType.Timestamp ? formatTimestamp(a.longs[i])
                            : Long.toString(a.longs[i]);
                    default -> throw new IllegalStateException();
                };
                buf.writeBytes(s.getBytes(StandardCharsets.UTF_8));
            }
            out.end[i] = buf.size();
        }
        out.data = buf.toByteArray();
        return out;
    }
}
