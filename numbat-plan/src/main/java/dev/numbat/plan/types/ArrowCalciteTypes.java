package dev.numbat.plan.types;

import dev.numbat.core.NumbatException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * The one place where Arrow types and Calcite types meet.
 *
 * <table>
 *   <caption>Arrow → Calcite (and back)</caption>
 *   <tr><th>Arrow</th><th>Calcite</th><th>back to Arrow</th></tr>
 *   <tr><td>Bool</td><td>BOOLEAN</td><td>Bool</td></tr>
 *   <tr><td>Int(8|16|32|64, signed)</td><td>TINYINT, SMALLINT, INTEGER, BIGINT</td><td>the same width</td></tr>
 *   <tr><td>FloatingPoint(SINGLE|DOUBLE)</td><td>REAL, DOUBLE</td><td>the same (FLOAT → DOUBLE)</td></tr>
 *   <tr><td>Decimal(p, s)</td><td>DECIMAL(p, s)</td><td>Decimal(p, s, 128)</td></tr>
 *   <tr><td>Utf8, LargeUtf8</td><td>VARCHAR</td><td>Utf8 (CHAR too)</td></tr>
 *   <tr><td>Binary, LargeBinary</td><td>VARBINARY</td><td>Binary (BINARY too)</td></tr>
 *   <tr><td>Date(DAY|MILLISECOND)</td><td>DATE</td><td>Date(DAY)</td></tr>
 *   <tr><td>Time(any)</td><td>TIME</td><td>Time(MICROSECOND, 64)</td></tr>
 *   <tr><td>Timestamp(unit, no zone)</td><td>TIMESTAMP(0|3|6|9)</td><td>Timestamp(MICROSECOND)</td></tr>
 *   <tr><td>Timestamp(unit, zone)</td><td>TIMESTAMP_WITH_LOCAL_TIME_ZONE</td><td>Timestamp(MICROSECOND, UTC)</td></tr>
 *   <tr><td>Interval(YEAR_MONTH)</td><td>INTERVAL YEAR TO MONTH</td><td>Interval(YEAR_MONTH)</td></tr>
 *   <tr><td>Interval(DAY_TIME)</td><td>INTERVAL DAY TO SECOND</td><td>Interval(DAY_TIME), also for
 *       every day-time interval qualifier</td></tr>
 *   <tr><td>Null</td><td>NULL</td><td>Null</td></tr>
 * </table>
 * Anything else (unsigned integers, nested types, ...) is a USER_ERROR naming the column.
 */
public final class ArrowCalciteTypes {
    private ArrowCalciteTypes() {
    }

    /** The Calcite row type of an Arrow schema: same names, types per the table above, nullability kept. */
    public static RelDataType toRowType(Schema schema, RelDataTypeFactory typeFactory) {
        RelDataTypeFactory.Builder b = typeFactory.builder();
        for (Field f : schema.getFields()) {
            b.add(f.getName(), toRelDataType(f, typeFactory));
        }
        return b.build();
    }

    /** The Calcite type of one Arrow field (with its nullability). */
    public static RelDataType toRelDataType(Field field, RelDataTypeFactory typeFactory) {
        RelDataType t;
        try {
            t = toRelDataType(field.getType(), typeFactory);
        } catch (NumbatException e) {
            throw NumbatException.userError("column %s: %s", field.getName(), e.getMessage());
        }
        return typeFactory.createTypeWithNullability(t, field.isNullable());
    }

    /** The (NOT NULL) Calcite type of an Arrow type. */
    public static RelDataType toRelDataType(ArrowType type, RelDataTypeFactory tf) {
        return switch (type.getTypeID()) {
            case Bool -> tf.createSqlType(SqlTypeName.BOOLEAN);
            case Int -> {
                ArrowType.Int i = (ArrowType.Int) type;
                if (!i.getIsSigned()) {
                    throw NumbatException.userError("unsigned integer type %s is not supported", type);
                }
                yield tf.createSqlType(switch (i.getBitWidth()) {
                    case 8 -> SqlTypeName.TINYINT;
                    case 16 -> SqlTypeName.SMALLINT;
                    case 32 -> SqlTypeName.INTEGER;
                    default -> SqlTypeName.BIGINT;
                });
            }
            case FloatingPoint -> switch (((ArrowType.FloatingPoint) type).getPrecision()) {
                case SINGLE -> tf.createSqlType(SqlTypeName.REAL);
                case DOUBLE -> tf.createSqlType(SqlTypeName.DOUBLE);
                default -> throw NumbatException.userError("half-precision floats are not supported");
            };
            case Decimal -> {
                ArrowType.Decimal d = (ArrowType.Decimal) type;
                yield tf.createSqlType(SqlTypeName.DECIMAL, d.getPrecision(), d.getScale());
            }
            case Utf8, LargeUtf8, Utf8View -> tf.createSqlType(SqlTypeName.VARCHAR);
            case Binary, LargeBinary, BinaryView, FixedSizeBinary -> tf.createSqlType(SqlTypeName.VARBINARY);
            case Date -> tf.createSqlType(SqlTypeName.DATE);
            case Time -> tf.createSqlType(SqlTypeName.TIME);
            case Timestamp -> {
                ArrowType.Timestamp ts = (ArrowType.Timestamp) type;
                int precision = switch (ts.getUnit()) {
                    case SECOND -> 0;
                    case MILLISECOND -> 3;
                    case MICROSECOND -> 6;
                    case NANOSECOND -> 9;
                };
                yield tf.createSqlType(ts.getTimezone() == null ? SqlTypeName.TIMESTAMP
                        : SqlTypeName.TIMESTAMP_WITH_LOCAL_TIME_ZONE, precision);
            }
            case Interval -> ((ArrowType.Interval) type).getUnit() == IntervalUnit.YEAR_MONTH
                    ? tf.createSqlIntervalType(new SqlIntervalQualifier(TimeUnitRange.YEAR_TO_MONTH.startUnit,
                            TimeUnitRange.YEAR_TO_MONTH.endUnit, SqlParserPos.ZERO))
                    : tf.createSqlIntervalType(new SqlIntervalQualifier(TimeUnitRange.DAY_TO_SECOND.startUnit,
                            TimeUnitRange.DAY_TO_SECOND.endUnit, SqlParserPos.ZERO));
            case Null -> tf.createSqlType(SqlTypeName.NULL);
            default -> throw NumbatException.userError("Arrow type %s is not supported", type);
        };
    }

    /** The Arrow type computed for a Calcite type (see the table above). */
    public static ArrowType toArrowType(RelDataType type) {
        SqlTypeName name = type.getSqlTypeName();
        return switch (name) {
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case TINYINT -> new ArrowType.Int(8, true);
            case SMALLINT -> new ArrowType.Int(16, true);
            case INTEGER -> new ArrowType.Int(32, true);
            case BIGINT -> new ArrowType.Int(64, true);
            case REAL -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case FLOAT, DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DECIMAL -> new ArrowType.Decimal(type.getPrecision(), Math.max(0, type.getScale()), 128);
            case CHAR, VARCHAR -> ArrowType.Utf8.INSTANCE;
            case BINARY, VARBINARY -> ArrowType.Binary.INSTANCE;
            case DATE -> new ArrowType.Date(DateUnit.DAY);
            case TIME -> new ArrowType.Time(TimeUnit.MICROSECOND, 64);
            case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
            case TIMESTAMP_WITH_LOCAL_TIME_ZONE -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, "UTC");
            case INTERVAL_YEAR, INTERVAL_YEAR_MONTH, INTERVAL_MONTH -> new ArrowType.Interval(IntervalUnit.YEAR_MONTH);
            case INTERVAL_DAY, INTERVAL_DAY_HOUR, INTERVAL_DAY_MINUTE, INTERVAL_DAY_SECOND, INTERVAL_HOUR,
                    INTERVAL_HOUR_MINUTE, INTERVAL_HOUR_SECOND, INTERVAL_MINUTE, INTERVAL_MINUTE_SECOND,
                    INTERVAL_SECOND -> new ArrowType.Interval(IntervalUnit.DAY_TIME);
            case NULL -> ArrowType.Null.INSTANCE;
            default -> throw NumbatException.userError("SQL type %s has no Arrow type in Numbat", type.getFullTypeString());
        };
    }

    /** An Arrow field for a Calcite type. */
    public static Field toField(String name, RelDataType type) {
        return new Field(name, new FieldType(type.isNullable(), toArrowType(type), null), null);
    }

    /** The Arrow schema of a Calcite row type (names kept as they are). */
    public static Schema toSchema(RelDataType rowType) {
        List<Field> fields = new ArrayList<>();
        for (RelDataTypeField f : rowType.getFieldList()) {
            fields.add(toField(f.getName(), f.getType()));
        }
        return new Schema(fields);
    }
}
