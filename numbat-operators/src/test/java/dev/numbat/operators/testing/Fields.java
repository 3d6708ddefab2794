package dev.numbat.operators.testing;

import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Short names for the nullable Arrow fields tests use most, matching the SQL types the planner produces:
 * {@code Fields.schema(Fields.bigint("id"), Fields.varchar("name"), Fields.decimal("price", 12, 2))}.
 */
public final class Fields {
    private Fields() {
    }

    public static Schema schema(Field... fields) {
        return new Schema(List.of(fields));
    }

    /** A nullable field of any Arrow type. */
    public static Field of(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    /** A non-nullable field of any Arrow type. */
    public static Field notNull(String name, ArrowType type) {
        return new Field(name, FieldType.notNullable(type), null);
    }

    public static Field bigint(String name) {
        return of(name, new ArrowType.Int(64, true));
    }

    public static Field integer(String name) {
        return of(name, new ArrowType.Int(32, true));
    }

    public static Field smallint(String name) {
        return of(name, new ArrowType.Int(16, true));
    }

    public static Field tinyint(String name) {
        return of(name, new ArrowType.Int(8, true));
    }

    public static Field float64(String name) {
        return of(name, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
    }

    public static Field float32(String name) {
        return of(name, new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE));
    }

    /** DECIMAL(precision, scale), stored as 128-bit. */
    public static Field decimal(String name, int precision, int scale) {
        return of(name, new ArrowType.Decimal(precision, scale, 128));
    }

    public static Field varchar(String name) {
        return of(name, ArrowType.Utf8.INSTANCE);
    }

    public static Field varbinary(String name) {
        return of(name, ArrowType.Binary.INSTANCE);
    }

    /** DATE as days since the epoch. */
    public static Field date(String name) {
        return of(name, new ArrowType.Date(DateUnit.DAY));
    }

    /** TIMESTAMP (microseconds, no time zone). */
    public static Field timestamp(String name) {
        return of(name, new ArrowType.Timestamp(TimeUnit.MICROSECOND, null));
    }

    public static Field bool(String name) {
        return of(name, ArrowType.Bool.INSTANCE);
    }
}
