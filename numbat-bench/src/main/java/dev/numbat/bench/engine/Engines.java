package dev.numbat.bench.engine;

import dev.numbat.core.NumbatException;
import dev.numbat.client.NumbatContext;
import dev.numbat.cluster.ProcessCluster;
import java.io.IOException;
import java.nio.file.Files;
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
            case "numbat-cluster" -> cluster(options, "numbat-cluster", options.threads(), 1);
            case "numbat-cluster-1" -> cluster(options, name, 1, options.threads());
            case "numbat-cluster-2" -> cluster(options, name, 2, Math.max(1, options.threads() / 2));
            case "duckdb" -> new DuckDbEngine(options.threads());
            case "spark" -> new SparkEngine(options.threads(), options.heapBytes(), SparkEngine.locateClasspath(),
                    logDir.resolve("spark-worker.log"));
            default -> throw NumbatException.userError("unknown engine '%s': use one or more of %s "
                    + "(or numbat-cluster-1 / numbat-cluster-2: 1 or 2 executors sharing the threads)", name,
                    String.join(", ", NAMES));
        };
    }

    /**
     * Numbat on a cluster, through the same client API as embedded Numbat: the scheduler at
     * {@code options.cluster()}, or else a cluster started here for the run (a scheduler and {@code executors}
     * executor processes with {@code slots} slots each, on loopback) and stopped after it.
     */
    private static Engine cluster(EngineOptions options, String name, int executors, int slots) {
        if (options.cluster() != null) {
            String[] hp = options.cluster().split(":");
            if (hp.length != 2) {
                throw NumbatException.userError("--cluster wants host:port, got '%s'", options.cluster());
            }
            return new NumbatEngine(name, "cluster at " + options.cluster(), options.api(),
                    () -> NumbatContext.remote(hp[0], Integer.parseInt(hp[1])));
        }
        Path dir;
        try {
            dir = Files.createTempDirectory("numbat-bench-cluster-");
        } catch (IOException e) {
            throw new NumbatException(dev.numbat.core.ErrorCode.IO_ERROR, "cannot create a temp dir: " + e.getMessage(), e);
        }
        long heapMb = Math.max(512, options.heapBytes() / (1 << 20) / Math.max(1, executors));
        ProcessCluster cluster = new ProcessCluster("dev.numbat.cli.Main", System.getProperty("java.class.path"), dir,
                List.of("-Xmx" + heapMb + "m", "-Darrow.enable_unsafe_memory_access=true"), List.of());
        try {
            cluster.startScheduler();
            for (int i = 0; i < executors; i++) {
                cluster.startExecutor(slots);
            }
        } catch (RuntimeException e) {
            cluster.close();
            throw e;
        }
        return new NumbatEngine(name, "local cluster: scheduler + " + executors + " executor process"
                + (executors == 1 ? "" : "es") + " with " + slots + (slots == 1 ? " slot" : " slots") + " each", options.api(),
                () -> NumbatContext.remote("127.0.0.1", cluster.schedulerPort()), cluster);
    }
}
