package dev.numbat.plan.catalog;

/**
 * What the optimiser knows about one column of a table, for selectivity and distinct-count estimates.
 *
 * <p>{@code min} and {@code max} are on one numeric scale per column: numbers (integers, decimals, floating
 * point) as their value, dates as days since 1970-01-01, timestamps as milliseconds since the epoch. They are
 * {@code null} for other types (strings, booleans) and when no file or sample gave them. Strings keep their
 * bounds in {@code minString} and {@code maxString} (informational: estimates do not interpolate strings).
 *
 * @param min the smallest non-null value on the numeric scale above, or {@code null}
 * @param max the largest non-null value, or {@code null}
 * @param minString the smallest string, for string columns, or {@code null}
 * @param maxString the largest string, or {@code null}
 * @param nullCount the number of nulls (estimated for samples), or -1 when unknown
 * @param distinctCount the estimated number of distinct non-null values, or -1 when unknown
 */
public record ColumnStats(Double min, Double max, String minString, String maxString, double nullCount,
        double distinctCount) {

    /** True when {@link #min} and {@link #max} are both known. */
    public boolean hasRange() {
        return min != null && max != null;
    }

    public boolean hasNullCount() {
        return nullCount >= 0;
    }

    public boolean hasDistinctCount() {
        return distinctCount > 0;
    }
}
