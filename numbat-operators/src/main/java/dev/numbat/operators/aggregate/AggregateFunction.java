package dev.numbat.operators.aggregate;

/**
 * The aggregate functions {@link HashAggregateOperator} computes, with SQL semantics: NULL inputs are
 * skipped; over no (non-NULL) values, counts are 0 and every other function is NULL.
 *
 * <table>
 *   <caption>Argument and result types</caption>
 *   <tr><th>function</th><th>argument</th><th>result</th></tr>
 *   <tr><td>COUNT_STAR</td><td>none</td><td>BIGINT NOT NULL</td></tr>
 *   <tr><td>COUNT</td><td>any</td><td>BIGINT NOT NULL</td></tr>
 *   <tr><td>COUNT_DISTINCT</td><td>any groupable type</td><td>BIGINT NOT NULL</td></tr>
 *   <tr><td>SUM</td><td>TINYINT..BIGINT / FLOAT, DOUBLE / DECIMAL(p, s)</td>
 *       <td>BIGINT (overflow is an error) / DOUBLE / DECIMAL(38, s)</td></tr>
 *   <tr><td>MIN, MAX</td><td>any groupable type</td><td>the argument's type</td></tr>
 *   <tr><td>AVG</td><td>numeric</td><td>DOUBLE (nearest to the exact mean for integers and decimals)</td></tr>
 *   <tr><td>VAR_SAMP, VAR_POP, STDDEV_SAMP, STDDEV_POP</td><td>numeric</td><td>DOUBLE</td></tr>
 * </table>
 * Groupable types: TINYINT, SMALLINT, INT, BIGINT (signed), FLOAT, DOUBLE, DECIMAL (128-bit, p ≤ 38),
 * VARCHAR, VARBINARY, DATE, TIME, TIMESTAMP (any unit, with or without zone), DURATION and BOOLEAN.
 */
public enum AggregateFunction {
    COUNT_STAR("count"),
    COUNT("count"),
    COUNT_DISTINCT("count_distinct"),
    SUM("sum"),
    MIN("min"),
    MAX("max"),
    AVG("avg"),
    VAR_SAMP("var_samp"),
    VAR_POP("var_pop"),
    STDDEV_SAMP("stddev_samp"),
    STDDEV_POP("stddev_pop");

    private final String sqlName;

    AggregateFunction(String sqlName) {
        this.sqlName = sqlName;
    }

    /** The SQL name, as used in error messages ({@code "sum"}). */
    public String sqlName() {
        return sqlName;
    }

    /** True for every function but {@link #COUNT_STAR}, which takes no argument column. */
    public boolean takesArgument() {
        return this != COUNT_STAR;
    }
}
