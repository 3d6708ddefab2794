package dev.numbat.plan.types;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.NumbatException;
import dev.numbat.core.expr.Types;
import dev.numbat.core.source.InMemorySource;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.plan.PlannerContext;
import dev.numbat.plan.catalog.Catalog;
import java.math.BigDecimal;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.jdbc.JavaTypeFactoryImpl;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.Test;

class ArrowCalciteTypesTest {
    private final RelDataTypeFactory tf = new JavaTypeFactoryImpl(NumbatTypeSystem.INSTANCE);

    @Test
    void computedTypesRoundTrip() {
        for (ArrowType t : List.of(Types.BOOLEAN, Types.INT, Types.BIGINT, Types.DOUBLE, Types.VARCHAR, Types.DATE,
                Types.TIMESTAMP, Types.INTERVAL_DAY_TIME, Types.INTERVAL_YEAR_MONTH, Types.decimal(15, 2),
                Types.decimal(38, 6), new ArrowType.Int(16, true))) {
            assertThat(ArrowCalciteTypes.toArrowType(ArrowCalciteTypes.toRelDataType(t, tf))).as(t.toString()).isEqualTo(t);
        }
    }

    @Test
    void fieldsKeepNullabilityAndMapReaderTypes() {
        Schema schema = new Schema(List.of(
                new Field("a", FieldType.notNullable(Types.BIGINT), null),
                new Field("b", FieldType.nullable(new ArrowType.Decimal(15, 2, 128)), null),
                new Field("c", FieldType.nullable(new ArrowType.Date(org.apache.arrow.vector.types.DateUnit.MILLISECOND)), null),
                new Field("d", FieldType.nullable(new ArrowType.Timestamp(TimeUnit.NANOSECOND, null)), null),
                new Field("e", FieldType.nullable(new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE)), null),
                new Field("f", FieldType.nullable(ArrowType.LargeUtf8.INSTANCE), null)));
        RelDataType row = ArrowCalciteTypes.toRowType(schema, tf);
        assertThat(row.getFieldNames()).containsExactly("a", "b", "c", "d", "e", "f");
        assertThat(row.getFieldList().get(0).getType().isNullable()).isFalse();
        assertThat(row.getFieldList().get(0).getType().getSqlTypeName()).isEqualTo(SqlTypeName.BIGINT);
        assertThat(row.getFieldList().get(1).getType().getFullTypeString()).isEqualTo("DECIMAL(15, 2)");
        assertThat(row.getFieldList().get(2).getType().getSqlTypeName()).isEqualTo(SqlTypeName.DATE);
        assertThat(row.getFieldList().get(3).getType().getPrecision()).isEqualTo(9);
        assertThat(row.getFieldList().get(4).getType().getSqlTypeName()).isEqualTo(SqlTypeName.REAL);
        assertThat(row.getFieldList().get(5).getType().getSqlTypeName()).isEqualTo(SqlTypeName.VARCHAR);
        Schema back = ArrowCalciteTypes.toSchema(row);
        assertThat(back.getFields().get(1).getType()).isEqualTo(Types.decimal(15, 2));
        assertThat(back.getFields().get(2).getType()).isEqualTo(Types.DATE);
        assertThat(back.getFields().get(0).isNullable()).isFalse();
    }

    @Test
    void unsupportedTypesNameTheColumn() {
        Field f = new Field("u", FieldType.nullable(new ArrowType.Int(32, false)), null);
        assertThatThrownBy(() -> ArrowCalciteTypes.toRelDataType(f, tf))
                .isInstanceOf(NumbatException.class).hasMessageContaining("u").hasMessageContaining("unsigned");
    }

    @Test
    void typeSystemFixesCalciteTraps() {
        Schema schema = new Schema(List.of(
                new Field("price", FieldType.notNullable(Types.decimal(15, 2)), null),
                new Field("qty", FieldType.notNullable(Types.INT), null)));
        try (BufferAllocator allocator = TestAllocator.create();
                InMemorySource source = new InMemorySource(schema, List.of(), allocator)) {
            Catalog catalog = new Catalog();
            catalog.register("t", source, 10);
            RelBuilder b = new PlannerContext(catalog).relBuilder();
            RelNode agg = b.scan("t")
                    .aggregate(b.groupKey(), b.sum(false, "s", b.field("price")), b.avg(false, "a", b.field("price")),
                            b.avg(false, "ai", b.field("qty")), b.sum(false, "si", b.field("qty")))
                    .build();
            List<RelDataType> types = agg.getRowType().getFieldList().stream().map(f -> f.getType()).toList();
            assertThat(types.get(0).getFullTypeString()).startsWith("DECIMAL(38, 2)");
            assertThat(types.get(1).getSqlTypeName()).isEqualTo(SqlTypeName.DOUBLE);
            assertThat(types.get(2).getSqlTypeName()).isEqualTo(SqlTypeName.DOUBLE);
            assertThat(types.get(3).getSqlTypeName()).isEqualTo(SqlTypeName.BIGINT);

            b.scan("t");
            RexNode caseExpr = b.call(SqlStdOperatorTable.CASE,
                    b.lessThan(b.field("qty"), b.literal(10)), b.literal("small"),
                    b.lessThan(b.field("qty"), b.literal(100)), b.literal("medium"),
                    b.literal("huge-ish"));
            assertThat(caseExpr.getType().getSqlTypeName()).isEqualTo(SqlTypeName.VARCHAR);
            RexNode product = b.call(SqlStdOperatorTable.MULTIPLY, b.field("price"), b.literal(new BigDecimal("1.00")));
            assertThat(product.getType().getFullTypeString()).startsWith("DECIMAL(18, 4)");
            b.clear();
        }
    }
}
