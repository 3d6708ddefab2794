package dev.numbat.io.csv;

import dev.numbat.core.NumbatException;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/** The column types the CSV reader can produce, with their Arrow types and the SQL names used in errors. */
enum CsvColumnType {
    INTEGER, BIGINT, DOUBLE, DECIMAL, VARCHAR, BOOLEAN, DATE, TIMESTAMP;

    static final ArrowType INT64 = new ArrowType.Int(64, true);
    static final ArrowType FLOAT8 = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    static final ArrowType DATE_DAY = new ArrowType.Date(DateUnit.DAY);
    static final ArrowType TIMESTAMP_MICROS = new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);

    /** The Arrow type inference gives a column of this kind (inference never yields INTEGER or DECIMAL). */
    ArrowType arrowType() {
        return switch (this) {
            case BIGINT -> INT64;
            case DOUBLE -> FLOAT8;
            case VARCHAR -> ArrowType.Utf8.INSTANCE;
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case DATE -> DATE_DAY;
            case TIMESTAMP -> TIMESTAMP_MICROS;
            case INTEGER -> new ArrowType.Int(32, true);
            case DECIMAL -> throw new IllegalStateException("DECIMAL needs a precision and scale");
        };
    }

    /** Maps an Arrow field to the reader's column type; a USER_ERROR for types CSV cannot produce. */
    static CsvColumnType of(Field field) {
        ArrowType t = field.getType();
        if (t instanceof ArrowType.Int i && i.getIsSigned() && (i.getBitWidth() == 32 || i.getBitWidth() == 64)) {
            return i.getBitWidth() == 32 ? INTEGER : BIGINT;
        }
        if (t instanceof ArrowType.FloatingPoint f && f.getPrecision() == FloatingPointPrecision.DOUBLE) {
            return DOUBLE;
        }
        if (t instanceof ArrowType.Decimal d && d.getBitWidth() == 128 && d.getPrecision() >= 1
                && d.getPrecision() <= 38 && d.getScale() >= 0 && d.getScale() <= d.getPrecision()) {
            return DECIMAL;
        }
        if (t instanceof ArrowType.Utf8) {
            return VARCHAR;
        }
        if (t instanceof ArrowType.Bool) {
            return BOOLEAN;
        }
        if (t instanceof ArrowType.Date d && d.getUnit() == DateUnit.DAY) {
            return DATE;
        }
        if (t instanceof ArrowType.Timestamp ts && ts.getUnit() == TimeUnit.MICROSECOND && ts.getTimezone() == null) {
            return TIMESTAMP;
        }
        throw NumbatException.userError("CSV column \"%s\" has type %s, which the CSV reader does not support "
                + "(use Int32/64, Float8, Decimal128, Utf8, Bool, DateDay or Timestamp(MICROSECOND))",
                field.getName(), t);
    }

    static void validate(Schema schema) {
        if (schema.getFields().isEmpty()) {
            throw NumbatException.userError("a CSV schema needs at least one column");
        }
        for (Field f : schema.getFields()) {
            of(f);
        }
    }

    /** The SQL-style name used in error messages, e.g. {@code DECIMAL(15,2)}. */
    static String sqlName(Field field) {
        CsvColumnType type = of(field);
        if (type == DECIMAL) {
            ArrowType.Decimal d = (ArrowType.Decimal) field.getType();
            return "DECIMAL(" + d.getPrecision() + "," + d.getScale() + ")";
        }
        return type.name();
    }
}
