package dev.numbat.operators.aggregate;

/**
 * Where a {@link HashAggregateOperator} sits in a (possibly distributed) aggregation.
 *
 * <p>A distributed GROUP BY runs PARTIAL on every producer channel, hash-partitions the partial rows on the
 * group keys, and runs FINAL on the consumers; an aggregation that sees all its rows in one place runs
 * SINGLE. All three are configured with the same input schema, keys and calls (those of the original rows);
 * FINAL reads the PARTIAL layout ({@link HashAggregateOperator.Factory#partialSchema()}).
 */
public enum AggregateMode {
    /** Raw rows in; group keys and each call's partial state out. */
    PARTIAL,
    /** PARTIAL rows in (keys first, then states); group keys and final results out. */
    FINAL,
    /** Raw rows in; group keys and final results out. */
    SINGLE
}
