package dev.numbat.client;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.avatica.util.TimeUnitRange;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.SqlOperator;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.sql.type.SqlTypeName;

/**
 * An expression over a stream's columns, built with {@link Functions#col}, {@link Functions#lit} and the
 * methods here ({@code col("price").times(lit(1).minus(col("discount")))}). It is resolved against the
 * stream it is used on, so a misspelt column fails with the known names. Immutable.
 */
public final class Column {
    final Function<Scope, RexNode> build;
    final String alias;
    /** Sort direction when used in {@code sort}: null (ascending), or "DESC". */
    final String direction;
    /** The column's name when this is a plain column reference, else null (used for default names). */
    final String ref;

    Column(Function<Scope, RexNode> build, String alias, String direction, String ref) {
        this.build = Objects.requireNonNull(build, "build");
        this.alias = alias;
        this.direction = direction;
        this.ref = ref;
    }

    Column(Function<Scope, RexNode> build) {
        this(build, null, null, null);
    }

    /** The name this expression gets in an output: its alias, else its column name, else null. */
    String name() {
        return alias != null ? alias : ref;
    }

    RexNode rex(Scope scope) {
        return build.apply(scope);
    }

    /** The same expression, named {@code name} in the output. */
    public Column as(String name) {
        return new Column(build, Objects.requireNonNull(name, "name"), direction, ref);
    }

    /** For {@code sort}: ascending, nulls last (the default). */
    public Column asc() {
        return new Column(build, alias, null, ref);
    }

    /** For {@code sort}: descending, nulls last. */
    public Column desc() {
        return new Column(build, alias, "DESC", ref);
    }

    // ---- arithmetic

    public Column plus(Object other) {
        return binary(SqlStdOperatorTable.PLUS, other);
    }

    public Column minus(Object other) {
        return binary(SqlStdOperatorTable.MINUS, other);
    }

    public Column times(Object other) {
        return binary(SqlStdOperatorTable.MULTIPLY, other);
    }

    public Column divide(Object other) {
        return binary(SqlStdOperatorTable.DIVIDE, other);
    }

    public Column mod(Object other) {
        return binary(SqlStdOperatorTable.MOD, other);
    }

    public Column negate() {
        return unary(SqlStdOperatorTable.UNARY_MINUS);
    }

    // ---- comparisons and logic

    public Column eq(Object other) {
        return binary(SqlStdOperatorTable.EQUALS, other);
    }

    public Column ne(Object other) {
        return binary(SqlStdOperatorTable.NOT_EQUALS, other);
    }

    public Column lt(Object other) {
        return binary(SqlStdOperatorTable.LESS_THAN, other);
    }

    public Column le(Object other) {
        return binary(SqlStdOperatorTable.LESS_THAN_OR_EQUAL, other);
    }

    public Column gt(Object other) {
        return binary(SqlStdOperatorTable.GREATER_THAN, other);
    }

    public Column ge(Object other) {
        return binary(SqlStdOperatorTable.GREATER_THAN_OR_EQUAL, other);
    }

    /** {@code low <= this AND this <= high}. */
    public Column between(Object low, Object high) {
        return ge(low).and(le(high));
    }

    public Column and(Column other) {
        return binary(SqlStdOperatorTable.AND, other);
    }

    public Column or(Column other) {
        return binary(SqlStdOperatorTable.OR, other);
    }

    public Column not() {
        return unary(SqlStdOperatorTable.NOT);
    }

    public Column isNull() {
        return unary(SqlStdOperatorTable.IS_NULL);
    }

    public Column isNotNull() {
        return unary(SqlStdOperatorTable.IS_NOT_NULL);
    }

    /** {@code this IN (values...)}; values are literals. */
    public Column isin(Object... values) {
        List<Column> items = new ArrayList<>();
        for (Object v : values) {
            items.add(Functions.asColumn(v));
        }
        return new Column(s -> {
            RexNode left = rex(s);
            List<RexNode> rex = new ArrayList<>();
            for (Column c : items) {
                rex.add(c.rex(s));
            }
            return s.builder.in(left, rex);
        });
    }

    /** SQL LIKE with '%' and '_' wildcards. */
    public Column like(String pattern) {
        return binary(SqlStdOperatorTable.LIKE, Functions.lit(pattern));
    }

    public Column notLike(String pattern) {
        return like(pattern).not();
    }

    public Column startsWith(String prefix) {
        return like(escapeLike(prefix) + "%");
    }

    public Column endsWith(String suffix) {
        return like("%" + escapeLike(suffix));
    }

    public Column contains(String part) {
        return like("%" + escapeLike(part) + "%");
    }

    private static String escapeLike(String s) {
        if (s.indexOf('%') >= 0 || s.indexOf('_') >= 0) {
            throw dev.numbat.core.NumbatException.userError(
                    "'%s' contains a LIKE wildcard; use like() with an explicit pattern", s);
        }
        return s;
    }

    // ---- strings

    /** SQL SUBSTRING(this FROM start FOR length), 1-based. */
    public Column substring(int start, int length) {
        return new Column(s -> s.builder.call(SqlStdOperatorTable.SUBSTRING, rex(s),
                s.builder.literal(start), s.builder.literal(length)));
    }

    public Column upper() {
        return unary(SqlStdOperatorTable.UPPER);
    }

    public Column lower() {
        return unary(SqlStdOperatorTable.LOWER);
    }

    /** Removes leading and trailing spaces. */
    public Column trim() {
        return new Column(s -> s.builder.call(SqlStdOperatorTable.TRIM,
                s.builder.getRexBuilder().makeFlag(org.apache.calcite.sql.fun.SqlTrimFunction.Flag.BOTH),
                s.builder.getRexBuilder().makeLiteral(" "), rex(s)));
    }

    /** Length in characters. */
    public Column length() {
        return unary(SqlStdOperatorTable.CHAR_LENGTH);
    }

    /** 1-based position of {@code needle} in this string, 0 when absent (DuckDB's strpos). */
    public Column strpos(String needle) {
        return new Column(s -> s.builder.call(SqlStdOperatorTable.POSITION, Functions.lit(needle).rex(s), rex(s)));
    }

    // ---- dates

    public Column year() {
        return extract(TimeUnitRange.YEAR);
    }

    public Column quarter() {
        return extract(TimeUnitRange.QUARTER);
    }

    public Column month() {
        return extract(TimeUnitRange.MONTH);
    }

    public Column day() {
        return extract(TimeUnitRange.DAY);
    }

    private Column extract(TimeUnitRange unit) {
        return new Column(s -> s.builder.call(SqlStdOperatorTable.EXTRACT, s.builder.getRexBuilder().makeFlag(unit), rex(s)));
    }

    public Column plusDays(long days) {
        return interval(SqlStdOperatorTable.DATETIME_PLUS, BigDecimal.valueOf(days * 86_400_000L), TimeUnit.DAY);
    }

    public Column minusDays(long days) {
        return interval(SqlStdOperatorTable.MINUS_DATE, BigDecimal.valueOf(days * 86_400_000L), TimeUnit.DAY);
    }

    public Column plusMonths(long months) {
        return interval(SqlStdOperatorTable.DATETIME_PLUS, BigDecimal.valueOf(months), TimeUnit.MONTH);
    }

    public Column plusYears(long years) {
        return interval(SqlStdOperatorTable.DATETIME_PLUS, BigDecimal.valueOf(years * 12), TimeUnit.YEAR);
    }

    private Column interval(SqlOperator op, BigDecimal value, TimeUnit unit) {
        return new Column(s -> {
            RexBuilder rb = s.builder.getRexBuilder();
            RexNode interval = rb.makeIntervalLiteral(value, new SqlIntervalQualifier(unit, null, SqlParserPos.ZERO));
            RexNode date = rex(s);
            if (op == SqlStdOperatorTable.MINUS_DATE) {
                return rb.makeCall(date.getType(), SqlStdOperatorTable.MINUS_DATE, List.of(date, interval));
            }
            return s.builder.call(op, date, interval);
        });
    }

    // ---- types

    /**
     * The value cast to a SQL type: {@code "bigint"}, {@code "integer"}, {@code "double"}, {@code "varchar"},
     * {@code "date"}, {@code "boolean"}, {@code "decimal(15,2)"}.
     */
    public Column cast(String sqlType) {
        return new Column(s -> {
            var tf = s.builder.getTypeFactory();
            String t = sqlType.trim().toLowerCase(java.util.Locale.ROOT);
            var type = switch (t) {
                case "bigint" -> tf.createSqlType(SqlTypeName.BIGINT);
                case "int", "integer" -> tf.createSqlType(SqlTypeName.INTEGER);
                case "double" -> tf.createSqlType(SqlTypeName.DOUBLE);
                case "varchar", "string", "text" -> tf.createSqlType(SqlTypeName.VARCHAR);
                case "date" -> tf.createSqlType(SqlTypeName.DATE);
                case "timestamp" -> tf.createSqlType(SqlTypeName.TIMESTAMP);
                case "boolean" -> tf.createSqlType(SqlTypeName.BOOLEAN);
                default -> {
                    var m = java.util.regex.Pattern.compile("decimal\\((\\d+),\\s*(\\d+)\\)").matcher(t);
                    if (!m.matches()) {
                        throw dev.numbat.core.NumbatException.userError("unknown type '%s' in cast", sqlType);
                    }
                    yield tf.createSqlType(SqlTypeName.DECIMAL, Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
                }
            };
            RexNode value = rex(s);
            return s.builder.getRexBuilder().makeCast(
                    tf.createTypeWithNullability(type, value.getType().isNullable()), value);
        });
    }

    // ---- helpers

    private Column unary(SqlOperator op) {
        return new Column(s -> s.builder.call(op, rex(s)));
    }

    private Column binary(SqlOperator op, Object other) {
        Column o = Functions.asColumn(other);
        return new Column(s -> s.builder.call(op, rex(s), o.rex(s)));
    }

}
