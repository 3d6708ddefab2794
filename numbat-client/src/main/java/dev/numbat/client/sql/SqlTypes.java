package dev.numbat.client.sql;

import dev.numbat.core.NumbatException;
import java.util.Locale;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** SQL type names of column definitions (CREATE EXTERNAL TABLE) as Arrow types. */
final class SqlTypes {
    private SqlTypes() {
    }

    /**
     * The Arrow type of SQL type {@code name} ({@code BIGINT}, {@code DECIMAL} with {@code precision} and
     * {@code scale}, ...); precision and scale are -1 when not given.
     */
    static ArrowType toArrow(String name, int precision, int scale) {
        return switch (name.toUpperCase(Locale.ROOT)) {
            case "BIGINT", "LONG", "INT8" -> new ArrowType.Int(64, true);
            case "INT", "INTEGER", "INT4" -> new ArrowType.Int(32, true);
            case "SMALLINT", "INT2" -> new ArrowType.Int(16, true);
            case "TINYINT" -> new ArrowType.Int(8, true);
            case "DOUBLE", "FLOAT", "FLOAT8" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case "REAL", "FLOAT4" -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case "DECIMAL", "NUMERIC", "DEC" -> {
                int p = precision < 0 ? 38 : precision;
                int s = scale < 0 ? 0 : scale;
                if (p < 1 || p > 38 || s > p) {
                    throw NumbatException.userError("DECIMAL(%d, %d) is not supported: precision must be 1 to 38 "
                            + "and scale at most the precision", p, s);
                }
                yield new ArrowType.Decimal(p, s, 128);
            }
            case "VARCHAR", "CHAR", "CHARACTER", "STRING", "TEXT" -> ArrowType.Utf8.INSTANCE;
            case "DATE" -> new ArrowType.Date(DateUnit.DAY);
            case "TIMESTAMP" -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case "BOOLEAN", "BOOL" -> ArrowType.Bool.INSTANCE;
            default -> throw NumbatException.userError("unknown column type %s; use BIGINT, INT, DOUBLE, "
                    + "DECIMAL(p, s), VARCHAR, CHAR(n), DATE, TIMESTAMP or BOOLEAN", name);
        };
    }
}
