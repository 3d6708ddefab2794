package dev.numbat.bench.engine;

import dev.numbat.core.NumbatException;
import java.nio.file.Path;
import java.util.List;

/** Creates engines by the names the command line uses. */
public final class Engines {
    /** Every engine name, in the order reports list them. */
    public static final List<String> NAMES = List.of("numbat", "numbat-cluster", "duckdb", "spark");

    private Engines() {
    }

    /**
     * The engine called {@code name}, not yet prepared.
     *
     * @param logDir where engines that run in their own process (Spark) write that process's log
     */
    public static Engine create(String name, EngineOptions options, Path logDir) {
        return switch (name) {
            case "numbat" -> NumbatEngine.embedded(options);
            case "numbat-cluster" -> cluster(options);
            case "duckdb" -> new DuckDbEngine(options.threads());
            case "spark" -> new SparkEngine(options.threads(), options.heapBytes(), SparkEngine.locateClasspath(),
                    logDir.resolve("spark-worker.log"));
            default -> throw NumbatException.userError("unknown engine '%s': use one or more of %s", name,
                    String.join(", ", NAMES));
        };
    }

    /**
     * Numbat on a cluster, through the same client API as embedded Numbat.
     *
     * <p>TODO(numbat-cluster): the single place to wire the cluster in. Once
     * {@code NumbatContext.remote(host, port)} exists, replace the throw below with:
     * <pre>{@code
     * String[] hp = options.cluster().split(":");
     * return new NumbatEngine("numbat-cluster", "cluster at " + options.cluster(), options.api(),
     *         () -> NumbatContext.remote(hp[0], Integer.parseInt(hp[1])));
     * }</pre>
     */
    private static Engine cluster(EngineOptions options) {
        if (options.cluster() == null) {
            throw NumbatException.userError("engine numbat-cluster needs --cluster host:port (the scheduler's address)");
        }
        throw NumbatException.userError("engine numbat-cluster is not available yet: the client cannot connect to a "
                + "cluster (NumbatContext.remote(host, port) does not exist yet)");
    }
}
