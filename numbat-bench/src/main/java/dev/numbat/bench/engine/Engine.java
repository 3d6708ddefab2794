package dev.numbat.bench.engine;

import java.nio.file.Path;
import java.util.List;

/**
 * One query engine under benchmark: Numbat embedded, a Numbat cluster, DuckDB or Spark SQL. The runner calls
 * {@link #prepare} once, then {@link #run} many times from one thread, then {@link #close}; implementations
 * need no synchronisation.
 */
public interface Engine extends AutoCloseable {

    /** The name used on the command line and in reports ({@code numbat}, {@code duckdb}, {@code spark}, ...). */
    String name();

    /** What exactly runs, for the report: version, threads, settings. Valid after {@link #prepare}. */
    String description();

    /**
     * Makes the eight TPC-H tables known under their names, each read from the Parquet files in
     * {@code tables/<table>/}. May read file metadata (Spark infers the schema from footers) but not the data:
     * the runner's warm-up run does that.
     */
    void prepare(Path tables) throws Exception;

    /**
     * Runs TPC-H query {@code query} (1..22) to completion and returns its rows as plain values
     * ({@link dev.numbat.bench.tpch.queries.Answers}) with the time it took: planning, execution and bringing
     * every result row into the engine's client, and nothing after (converting for the answer check is not
     * timed). A failure is thrown; the engine stays usable for the next query where it can.
     */
    Execution run(int query) throws Exception;

    /** One query run: wall time in milliseconds and the result rows. */
    record Execution(double millis, List<List<Object>> rows) {
    }
}
