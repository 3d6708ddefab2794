package dev.numbat.cluster.flightsql;

import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * What the Flight SQL endpoint needs from the engine: plan, run, and list tables. The producer knows nothing
 * else about how queries run (embedded runtime, scheduler and executors, ...).
 *
 * <p>Called from gRPC threads, concurrently: implementations must be thread-safe. Failures are
 * {@link dev.numbat.core.NumbatException}s; their code decides the Flight status clients see (USER_ERROR for
 * bad SQL, with the message naming line and column).
 */
public interface SqlBackend {
    /**
     * Plans {@code sql} without running it and returns its result schema. A statement that returns no rows
     * (DDL such as {@code CREATE EXTERNAL TABLE}, {@code CREATE VIEW}, {@code DROP}, or DML) has a schema with
     * no fields, and must not take effect here: JDBC clients prepare every statement first and run those with
     * no result columns as updates. Throws {@code NumbatException(USER_ERROR)} for bad SQL.
     */
    Schema schema(String sql);

    /**
     * Runs {@code sql} — a query, or DDL/DML, which returns an empty result (a schema with no fields, or no
     * batches) and an update count — and returns the running result. Planning errors are thrown here;
     * execution errors come from {@link SqlResult#next()}.
     *
     * <p>The result's batches must be allocated under the same root allocator as the producer's allocator:
     * the producer moves them into its own stream buffers without copying.
     */
    SqlResult execute(String sql);

    /**
     * The tables and views clients may list (in the one catalog and schema the producer reports), each with
     * its Arrow schema. Called for every metadata request, so it should be cheap.
     */
    List<TableInfo> tables();
}
