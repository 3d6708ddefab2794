package dev.numbat.plan.physical;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.expr.Expr;
import dev.numbat.core.expr.Fn;
import dev.numbat.core.expr.Types;
import dev.numbat.core.source.InMemorySource;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.plan.PlannerContext;
import dev.numbat.plan.catalog.Catalog;
import dev.numbat.plan.types.ArrowCalciteTypes;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.DateString;
import org.junit.jupiter.api.Test;

class RexToExprTest {
    private static final Schema SCHEMA = new Schema(List.of(
            new Field("k", FieldType.notNullable(Types.BIGINT), null),
            new Field("price", FieldType.nullable(Types.decimal(15, 2)), null),
            new Field("day", FieldType.nullable(Types.DATE), null),
            new Field("s", FieldType.nullable(Types.VARCHAR), null)));

    private static Expr convertFilter(java.util.function.Function<RelBuilder, RexNode> condition) {
        try (BufferAllocator allocator = TestAllocator.create();
                InMemorySource source = new InMemorySource(SCHEMA, List.of(), allocator)) {
            Catalog catalog = new Catalog();
            catalog.register("t", source, 100);
            PlannerContext planner = new PlannerContext(catalog);
            RelBuilder b = planner.relBuilder().scan("t");
            RelNode rel = b.filter(condition.apply(b)).build();
            Filter filter = (Filter) rel;
            return new RexToExpr(ArrowCalciteTypes.toSchema(filter.getInput().getRowType()).getFields(),
                    rel.getCluster().getRexBuilder()).convert(filter.getCondition());
        }
    }

    @Test
    void inListBecomesIn() {
        Expr e = convertFilter(b -> b.in(b.field("s"), b.literal("a"), b.literal("b"), b.literal("c")));
        assertThat(e).isInstanceOf(Expr.Call.class);
        Expr.Call call = (Expr.Call) e;
        assertThat(call.fn()).isEqualTo(Fn.IN);
        assertThat(call.args()).hasSize(4);
        assertThat(call.args().get(0)).isEqualTo(new Expr.Column(3, Types.VARCHAR, true));
        assertThat(((Expr.Literal) call.args().get(1)).value()).isEqualTo("a");
    }

    @Test
    void rangesExpandToComparisonsWithTypedLiterals() {
        Expr e = convertFilter(b -> b.and(
                b.greaterThanOrEqual(b.field("day"), b.getRexBuilder().makeDateLiteral(new DateString("1994-01-01"))),
                b.lessThan(b.field("day"), b.getRexBuilder().makeDateLiteral(new DateString("1995-01-01"))),
                b.greaterThan(b.field("price"), b.literal(new BigDecimal("0.05")))));
        String text = e.toString();
        assertThat(text).contains("GE", "LT", "GT", "1994-01-01", "1995-01-01", "0.05");
        assertThat(text).contains("Literal[value=1994-01-01");
        assertThat(findLiteral(e, LocalDate.of(1994, 1, 1))).isNotNull();
    }

    @Test
    void arithmeticCarriesCalciteDecimalTypes() {
        Expr e = convertFilter(b -> b.greaterThan(
                b.call(SqlStdOperatorTable.MULTIPLY, b.field("price"),
                        b.call(SqlStdOperatorTable.MINUS, b.literal(1), b.field("price"))),
                b.literal(100)));
        Expr.Call gt = (Expr.Call) e;
        Expr.Call times = (Expr.Call) gt.args().get(0);
        assertThat(times.fn()).isEqualTo(Fn.TIMES);
        var inner = (org.apache.arrow.vector.types.pojo.ArrowType.Decimal) ((Expr.Call) times.args().get(1)).type();
        assertThat(inner.getScale()).isEqualTo(2);
        assertThat(times.type()).isEqualTo(Types.decimal(15 + inner.getPrecision(), 4));
    }

    private static Expr.Literal findLiteral(Expr e, Object value) {
        if (e instanceof Expr.Literal l && value.equals(l.value())) {
            return l;
        }
        if (e instanceof Expr.Call c) {
            for (Expr a : c.args()) {
                Expr.Literal l = findLiteral(a, value);
                if (l != null) {
                    return l;
                }
            }
        }
        return null;
    }
}
