package dev.numbat.core.expr;

/**
 * The scalar functions an {@link Expr.Call} may apply, with SQL semantics (NULL in, NULL out unless said
 * otherwise; AND/OR three-valued). Arguments are listed as they appear in {@code Call.args}.
 */
public enum Fn {
    // Arithmetic on numbers: (a, b). Decimal results use the call's precision and scale; integer overflow
    // and decimal overflow are errors, not wrap-around. DIVIDE by zero is an error. Date arithmetic:
    // PLUS/MINUS (date, interval) and (timestamp, interval); MINUS (date, date) gives days as Int(32).
    PLUS, MINUS, TIMES, DIVIDE, MOD,
    /** (a) */
    NEGATE,

    // Comparisons: (a, b) of comparable types (numbers with numbers, strings as bytes, dates, booleans).
    EQ, NE, LT, LE, GT, GE,
    /** (a, low, high): low <= a AND a <= high. */
    BETWEEN,

    // Logic, three-valued: AND/OR take two or more arguments.
    AND, OR, NOT,
    /** (a): never null. */
    IS_NULL, IS_NOT_NULL,
    /** (a): true only for TRUE; never null. */
    IS_TRUE, IS_FALSE, IS_NOT_TRUE, IS_NOT_FALSE,

    /** (a, v1, v2, ...) with literal values: a = v1 OR a = v2 ... (NULL semantics of IN). */
    IN,
    /** (a, pattern[, escape]) with literal pattern and escape; '%' and '_' wildcards. */
    LIKE,

    /** (cond1, value1, cond2, value2, ..., else): the first true condition's value. */
    CASE,
    /** (a): to the call's type; string to number/date parses (a bad string is an error). */
    CAST,
    /** (a, b, ...): the first non-null argument. */
    COALESCE,
    /** (a, b): NULL if a = b, else a. */
    NULLIF,

    // Strings.
    /** (s, start[, length]): 1-based start, as SQL's SUBSTRING(s FROM start FOR length). */
    SUBSTRING,
    UPPER, LOWER,
    /** (s): removes leading and trailing spaces (TRIM(BOTH ' ' FROM s)); LTRIM/RTRIM one side. */
    TRIM, LTRIM, RTRIM,
    /** (a, b, ...): string concatenation, NULL if any argument is NULL. */
    CONCAT,
    /** (s): length in characters. */
    CHAR_LENGTH,
    /** (needle, haystack): 1-based position of needle in haystack, 0 if absent (SQL POSITION ... IN ...). */
    POSITION,
    /** (s, prefix). */
    STARTS_WITH,

    // Dates and timestamps.
    /** (unit, d) with a literal unit string: YEAR, QUARTER, MONTH, WEEK, DAY, DOW, DOY, HOUR, MINUTE, SECOND. */
    EXTRACT,
    /** (unit, d) with a literal unit string: YEAR, QUARTER, MONTH, WEEK, DAY (timestamps also HOUR, MINUTE, SECOND). */
    DATE_TRUNC,

    // Numbers.
    ABS,
    /** (x[, digits]) half away from zero, as SQL. */
    ROUND,
    FLOOR, CEIL
}
