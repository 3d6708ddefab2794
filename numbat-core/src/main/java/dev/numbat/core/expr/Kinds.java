package dev.numbat.core.expr;

import org.apache.arrow.vector.types.pojo.ArrowType;

/** Maps Arrow types to the {@link Col.Kind} that holds them during evaluation. */
final class Kinds {
    private Kinds() {
    }

    static Col.Kind kind(ArrowType type) {
        return switch (type.getTypeID()) {
            case Bool -> Col.Kind.BOOL;
            case Int, Date, Timestamp, Interval, Duration, Time -> Col.Kind.LONG;
            case FloatingPoint -> Col.Kind.DOUBLE;
            case Decimal -> Col.Kind.DECIMAL;
            case Utf8, LargeUtf8, Binary, LargeBinary -> Col.Kind.BYTES;
            case Null -> Col.Kind.BOOL;
            default -> throw dev.numbat.core.NumbatException.userError("expressions do not support type %s", type);
        };
    }

    static int scale(ArrowType type) {
        return type instanceof ArrowType.Decimal d ? d.getScale() : 0;
    }

    static boolean isNumeric(ArrowType t) {
        return t instanceof ArrowType.Int || t instanceof ArrowType.FloatingPoint || t instanceof ArrowType.Decimal;
    }

    static boolean isInteger(ArrowType t) {
        return t instanceof ArrowType.Int;
    }

    static boolean isString(ArrowType t) {
        return t instanceof ArrowType.Utf8 || t instanceof ArrowType.LargeUtf8 || t instanceof ArrowType.Binary;
    }

    static boolean isTemporal(ArrowType t) {
        return t instanceof ArrowType.Date || t instanceof ArrowType.Timestamp;
    }

    static String name(ArrowType t) {
        return switch (t.getTypeID()) {
            case Bool -> "BOOLEAN";
            case Int -> switch (((ArrowType.Int) t).getBitWidth()) {
                case 64 -> "BIGINT";
                case 32 -> "INTEGER";
                case 16 -> "SMALLINT";
                default -> "TINYINT";
            };
            case FloatingPoint -> "DOUBLE";
            case Decimal -> "DECIMAL(" + ((ArrowType.Decimal) t).getPrecision() + ", "
                    + ((ArrowType.Decimal) t).getScale() + ")";
            case Utf8, LargeUtf8 -> "VARCHAR";
            case Date -> "DATE";
            case Timestamp -> "TIMESTAMP";
            case Interval -> ((ArrowType.Interval) t).getUnit() == org.apache.arrow.vector.types.IntervalUnit.YEAR_MONTH
                    ? "INTERVAL YEAR TO MONTH" : "INTERVAL DAY TO SECOND";
            case Null -> "NULL";
            default -> t.toString();
        };
    }
}
