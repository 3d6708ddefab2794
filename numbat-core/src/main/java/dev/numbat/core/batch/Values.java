package dev.numbat.core.batch;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.util.Text;

/** Converts single Arrow values to the plain Java objects users expect (String, LocalDate, BigDecimal, ...). */
public final class Values {
    private Values() {
    }

    /** The value at {@code row}, or {@code null}: not for hot loops. */
    public static Object get(FieldVector vector, int row) {
        if (vector.isNull(row)) {
            return null;
        }
        if (vector instanceof DateDayVector d) {
            return LocalDate.ofEpochDay(d.get(row));
        }
        if (vector instanceof DateMilliVector d) {
            return LocalDate.ofEpochDay(Math.floorDiv(d.get(row), 86_400_000L));
        }
        if (vector instanceof TimeStampVector ts) {
            ArrowType.Timestamp type = (ArrowType.Timestamp) ts.getField().getType();
            long v = ts.get(row);
            long micros = switch (type.getUnit()) {
                case SECOND -> TimeUnit.SECONDS.toMicros(v);
                case MILLISECOND -> TimeUnit.MILLISECONDS.toMicros(v);
                case MICROSECOND -> v;
                case NANOSECOND -> v / 1000;
            };
            Instant instant = Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
            return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
        }
        if (vector instanceof VarBinaryVector b) {
            return b.get(row);
        }
        Object o = vector.getObject(row);
        if (o instanceof Text t) {
            return t.toString();
        }
        if (o instanceof BigDecimal d) {
            return d;
        }
        return o;
    }

    /** A display string for {@link #get}'s value, as tables print it. */
    public static String format(Object value) {
        if (value == null) {
            return "NULL";
        }
        if (value instanceof byte[] bytes) {
            return "<" + bytes.length + " bytes>";
        }
        if (value instanceof BigDecimal d) {
            return d.toPlainString();
        }
        return value.toString();
    }
}
