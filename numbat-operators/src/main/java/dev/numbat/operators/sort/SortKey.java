package dev.numbat.operators.sort;

import java.io.Serial;
import java.io.Serializable;

/**
 * One ORDER BY key: a column of the input by index, its direction and where NULLs go. Immutable.
 *
 * <p>{@link #asc} and {@link #desc} place NULLs as if they were larger than every value (last when ascending,
 * first when descending), which is the default of PostgreSQL and of Calcite's {@code RelFieldCollation}; a
 * planner that knows the collation's {@code nullDirection} passes it with the canonical constructor.
 *
 * @param column     index of the key column in the input schema
 * @param ascending  smaller values first when true
 * @param nullsFirst NULLs before every value when true, after every value when false (whatever the direction)
 */
public record SortKey(int column, boolean ascending, boolean nullsFirst) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    public SortKey {
        if (column < 0) {
            throw new IllegalArgumentException("sort key column must be >= 0: " + column);
        }
    }

    /** Ascending, NULLs last. */
    public static SortKey asc(int column) {
        return new SortKey(column, true, false);
    }

    /** Descending, NULLs first. */
    public static SortKey desc(int column) {
        return new SortKey(column, false, true);
    }

    /** This key with NULLs first. */
    public SortKey withNullsFirst() {
        return new SortKey(column, ascending, true);
    }

    /** This key with NULLs last. */
    public SortKey withNullsLast() {
        return new SortKey(column, ascending, false);
    }

    @Override
    public String toString() {
        return "$" + column + (ascending ? " ASC" : " DESC") + (nullsFirst ? " NULLS FIRST" : " NULLS LAST");
    }
}
