package dev.numbat.plan.types;

import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rel.type.RelDataTypeSystemImpl;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.sql.type.SqlTypeUtil;

/**
 * Calcite's type rules adjusted to what Numbat's operators compute and what users of analytic engines
 * (DuckDB, Spark) expect:
 * <ul>
 *   <li>TIME and TIMESTAMP precision up to 9 (nanoseconds), as Arrow's;</li>
 *   <li>DECIMAL precision and scale up to 38 (Arrow's Decimal128), so {@code sum} of a DECIMAL(15, 2) has room;</li>
 *   <li>{@code sum} of a DECIMAL(p, s) is DECIMAL(38, s), of an integer BIGINT, of a float DOUBLE, exactly as
 *       {@code HashAggregateOperator} emits it;</li>
 *   <li>{@code avg}, {@code stddev*} and {@code var*} of any number are DOUBLE (Calcite keeps the input type, which
 *       truncates a DECIMAL average to the input's scale);</li>
 *   <li>a CASE (or union) of strings of different lengths is VARCHAR, not a blank-padded CHAR.</li>
 * </ul>
 */
public final class NumbatTypeSystem extends RelDataTypeSystemImpl {
    /** The one instance. */
    public static final NumbatTypeSystem INSTANCE = new NumbatTypeSystem();

    /** Arrow's Decimal128 holds 38 digits. */
    public static final int MAX_DECIMAL_PRECISION = 38;

    private NumbatTypeSystem() {
    }

    @Override
    public int getMaxPrecision(SqlTypeName typeName) {
        return switch (typeName) {
            case DECIMAL -> MAX_DECIMAL_PRECISION;
            // Arrow timestamps go down to nanoseconds
            case TIME, TIMESTAMP, TIMESTAMP_WITH_LOCAL_TIME_ZONE -> 9;
            default -> super.getMaxPrecision(typeName);
        };
    }

    @Override
    public int getMaxScale(SqlTypeName typeName) {
        return typeName == SqlTypeName.DECIMAL ? MAX_DECIMAL_PRECISION : super.getMaxScale(typeName);
    }

    @Override
    public RelDataType deriveSumType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
        RelDataType sum;
        switch (argumentType.getSqlTypeName()) {
            case TINYINT, SMALLINT, INTEGER, BIGINT -> sum = typeFactory.createSqlType(SqlTypeName.BIGINT);
            case DECIMAL -> sum = typeFactory.createSqlType(SqlTypeName.DECIMAL, MAX_DECIMAL_PRECISION,
                    argumentType.getScale());
            case REAL, FLOAT, DOUBLE -> sum = typeFactory.createSqlType(SqlTypeName.DOUBLE);
            default -> {
                return super.deriveSumType(typeFactory, argumentType);
            }
        }
        return typeFactory.createTypeWithNullability(sum, argumentType.isNullable());
    }

    @Override
    public RelDataType deriveAvgAggType(RelDataTypeFactory typeFactory, RelDataType argumentType) {
        if (!SqlTypeUtil.isNumeric(argumentType)) {
            return super.deriveAvgAggType(typeFactory, argumentType);
        }
        return typeFactory.createTypeWithNullability(typeFactory.createSqlType(SqlTypeName.DOUBLE),
                argumentType.isNullable());
    }

    @Override
    public boolean shouldConvertRaggedUnionTypesToVarying() {
        return true;
    }
}
