package dev.numbat.bench.engine;

import dev.numbat.core.NumbatException;
import java.util.Locale;

/**
 * Settings shared by every engine of a run, so that they compete on equal terms.
 *
 * @param threads worker threads: Numbat's worker pool, DuckDB's {@code threads}, Spark's {@code local[threads]}
 * @param api Numbat's front end (the peers always run the SQL text)
 * @param cluster {@code host:port} of a Numbat cluster's scheduler for {@code numbat-cluster}, or null
 * @param heapBytes the JVM heap every JVM-based engine gets (Spark's worker JVM is started with it)
 */
public record EngineOptions(int threads, Api api, String cluster, long heapBytes) {

    public EngineOptions {
        if (threads < 1) {
            throw NumbatException.userError("threads must be at least 1, got %d", threads);
        }
        if (api == null) {
            throw NumbatException.userError("api must be given");
        }
    }

    /** {@code threads} threads, SQL front end, no cluster, this JVM's maximum heap. */
    public static EngineOptions of(int threads) {
        return new EngineOptions(threads, Api.SQL, null, Runtime.getRuntime().maxMemory());
    }

    public EngineOptions withApi(Api newApi) {
        return new EngineOptions(threads, newApi, cluster, heapBytes);
    }

    public EngineOptions withCluster(String hostPort) {
        return new EngineOptions(threads, api, hostPort, heapBytes);
    }

    /** Which Numbat front end runs the queries. */
    public enum Api {
        /** The standard SQL text ({@code tpch/queries/qNN.sql}), the same text every peer runs. */
        SQL,
        /** The hand-written DataFrame programs of {@link dev.numbat.bench.tpch.queries.TpchQueries}. */
        DATAFRAME;

        public static Api parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "dataframe" -> DATAFRAME;
                case "sql" -> SQL;
                default -> throw NumbatException.userError("unknown --api '%s': use sql or dataframe", s);
            };
        }
    }
}
