package dev.numbat.cluster.flightsql;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A running statement's result: its schema, then its batches one at a time.
 *
 * <p>One consumer thread calls {@link #next()} and finally {@link #close()}; {@link #cancel()} may be called
 * from any thread at any time (a client hanging up, a timeout), and makes a blocked or later {@code next()}
 * throw {@code NumbatException(CANCELLED)} promptly.
 */
public interface SqlResult extends AutoCloseable {
    /** The schema of every batch (by position and type; field names may differ, these are the ones shown). */
    Schema schema();

    /**
     * The next batch, owned by the caller (who closes it), or null at the end of a successful run. Blocks
     * while the statement computes. Throws a {@link dev.numbat.core.NumbatException} if the statement failed.
     */
    VectorSchemaRoot next();

    /** Stops the statement if it still runs; thread-safe and idempotent. */
    void cancel();

    /** Rows changed by DML, 0 for DDL, -1 for a query (or when unknown). */
    long updateCount();

    /** Releases everything the statement holds, cancelling it if it still runs. Idempotent. */
    @Override
    void close();
}
