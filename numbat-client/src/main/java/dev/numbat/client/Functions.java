package dev.numbat.client;

import dev.numbat.core.NumbatException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlAggFunction;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.type.SqlTypeName;
import org.apache.calcite.util.DateString;

/**
 * Building blocks of DataFrame expressions; import them statically:
 * {@code import static dev.numbat.client.Functions.*;}
 */
public final class Functions {
    private Functions() {
    }

    /** The column called {@code name}. */
    public static Column col(String name) {
        return new Column(s -> s.field(name), null, null, name);
    }

    /**
     * A constant: Integer/Long (BIGINT), Double, BigDecimal (exact DECIMAL), String (VARCHAR), LocalDate
     * (DATE), Boolean, or null.
     */
    public static Column lit(Object value) {
        return new Column(s -> literal(s, value));
    }

    /** A DATE constant from {@code yyyy-MM-dd}. */
    public static Column date(String isoDate) {
        return lit(LocalDate.parse(isoDate));
    }

    static Column asColumn(Object value) {
        return value instanceof Column c ? c : lit(value);
    }

    private static RexNode literal(Scope s, Object value) {
        RexBuilder rb = s.builder.getRexBuilder();
        var tf = s.builder.getTypeFactory();
        if (value == null) {
            return rb.makeNullLiteral(tf.createSqlType(SqlTypeName.NULL));
        }
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return rb.makeExactLiteral(BigDecimal.valueOf(((Number) value).longValue()), tf.createSqlType(SqlTypeName.BIGINT));
        }
        if (value instanceof BigDecimal d) {
            return rb.makeExactLiteral(d);
        }
        if (value instanceof Double || value instanceof Float) {
            return rb.makeApproxLiteral(BigDecimal.valueOf(((Number) value).doubleValue()), tf.createSqlType(SqlTypeName.DOUBLE));
        }
        if (value instanceof String str) {
            // VARCHAR, not CHAR(n): users expect no padding (see DEPENDENCIES.md's Calcite traps).
            return rb.makeLiteral(str, tf.createSqlType(SqlTypeName.VARCHAR), false);
        }
        if (value instanceof LocalDate d) {
            return rb.makeDateLiteral(new DateString(d.getYear(), d.getMonthValue(), d.getDayOfMonth()));
        }
        if (value instanceof Boolean b) {
            return rb.makeLiteral(b);
        }
        throw NumbatException.userError("cannot use a %s (%s) as a literal", value.getClass().getSimpleName(), value);
    }

    // ---- conditionals and functions

    /** {@code CASE WHEN condition THEN value ...}; finish with {@link When#otherwise}. */
    public static When when(Column condition, Object value) {
        return new When(List.of(condition), List.of(asColumn(value)));
    }

    /** A CASE expression under construction. */
    public static final class When {
        private final List<Column> conditions;
        private final List<Column> values;

        When(List<Column> conditions, List<Column> values) {
            this.conditions = conditions;
            this.values = values;
        }

        public When when(Column condition, Object value) {
            List<Column> c = new ArrayList<>(conditions);
            List<Column> v = new ArrayList<>(values);
            c.add(condition);
            v.add(asColumn(value));
            return new When(c, v);
        }

        /** The CASE with {@code value} for rows no condition matched. */
        public Column otherwise(Object value) {
            Column other = asColumn(value);
            return new Column(s -> {
                List<RexNode> operands = new ArrayList<>();
                for (int i = 0; i < conditions.size(); i++) {
                    operands.add(conditions.get(i).rex(s));
                    operands.add(values.get(i).rex(s));
                }
                operands.add(other.rex(s));
                return s.builder.call(SqlStdOperatorTable.CASE, operands);
            });
        }
    }

    public static Column coalesce(Object... values) {
        return call(SqlStdOperatorTable.COALESCE, values);
    }

    public static Column nullif(Object a, Object b) {
        return call(SqlStdOperatorTable.NULLIF, a, b);
    }

    public static Column concat(Object... values) {
        if (values.length < 2) {
            return asColumn(values[0]);
        }
        Column c = call(SqlStdOperatorTable.CONCAT, values[0], values[1]);
        for (int i = 2; i < values.length; i++) {
            c = call(SqlStdOperatorTable.CONCAT, c, values[i]);
        }
        return c;
    }

    public static Column abs(Object x) {
        return call(SqlStdOperatorTable.ABS, x);
    }

    public static Column round(Object x, int digits) {
        return call(SqlStdOperatorTable.ROUND, x, digits);
    }

    public static Column floor(Object x) {
        return call(SqlStdOperatorTable.FLOOR, x);
    }

    public static Column ceil(Object x) {
        return call(SqlStdOperatorTable.CEIL, x);
    }

    private static Column call(SqlOperator op, Object... args) {
        List<Column> cols = new ArrayList<>();
        for (Object a : args) {
            cols.add(asColumn(a));
        }
        return new Column(s -> {
            List<RexNode> rex = new ArrayList<>();
            for (Column c : cols) {
                rex.add(c.rex(s));
            }
            return s.builder.call(op, rex);
        });
    }

    // ---- aggregates: the argument is a Column, or a String naming a column (as in Spark's sum("x"))

    public static Agg sum(Object x) {
        return agg(SqlStdOperatorTable.SUM, "sum", x, false);
    }

    public static Agg avg(Object x) {
        return agg(SqlStdOperatorTable.AVG, "avg", x, false);
    }

    public static Agg min(Object x) {
        return agg(SqlStdOperatorTable.MIN, "min", x, false);
    }

    public static Agg max(Object x) {
        return agg(SqlStdOperatorTable.MAX, "max", x, false);
    }

    /** Non-null values of {@code x}. */
    public static Agg count(Object x) {
        return agg(SqlStdOperatorTable.COUNT, "count", x, false);
    }

    /** Rows: {@code count(*)}. */
    public static Agg count() {
        return new Agg(s -> s.builder.countStar(null), "count_star()", null);
    }

    public static Agg countDistinct(Object x) {
        return agg(SqlStdOperatorTable.COUNT, "count_distinct", x, true);
    }

    public static Agg stddev(Object x) {
        return agg(SqlStdOperatorTable.STDDEV_SAMP, "stddev", x, false);
    }

    public static Agg variance(Object x) {
        return agg(SqlStdOperatorTable.VAR_SAMP, "variance", x, false);
    }

    private static Agg agg(SqlAggFunction fn, String name, Object x, boolean distinct) {
        Column c = x instanceof String str ? col(str) : asColumn(x);
        String defaultName = c.name() == null ? name : name + "(" + c.name() + ")";
        Function<Scope, org.apache.calcite.tools.RelBuilder.AggCall> build =
                s -> s.builder.aggregateCall(fn, c.rex(s)).distinct(distinct);
        return new Agg(build, defaultName, null);
    }
}
