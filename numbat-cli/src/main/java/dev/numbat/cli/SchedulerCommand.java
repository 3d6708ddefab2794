package dev.numbat.cli;

import dev.numbat.client.NumbatContext;
import dev.numbat.client.sql.SessionSqlBackend;
import dev.numbat.cluster.flightsql.NumbatFlightSqlProducer;
import dev.numbat.cluster.scheduler.SchedulerConfig;
import dev.numbat.cluster.scheduler.SchedulerNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code numbat scheduler}: runs the cluster's scheduler (gRPC control plane, results, Flight SQL). */
@Command(name = "scheduler", mixinStandardHelpOptions = true,
        description = "Run a cluster scheduler: executors register with it, clients and JDBC tools (Flight SQL) "
                + "connect to it.")
final class SchedulerCommand implements Callable<Integer> {
    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "50050", description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = "--state", defaultValue = "embedded",
            description = "Cluster state store: embedded or etcd://host:port (default ${DEFAULT-VALUE}).")
    String state;

    @Option(names = "--work-dir", paramLabel = "DIR", description = "Work directory (default: a temp dir).")
    Path workDir;

    @Option(names = "--executor-timeout", defaultValue = "3000", paramLabel = "MS",
            description = "An executor silent this long is declared lost (default ${DEFAULT-VALUE} ms).")
    long executorTimeout;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        Path dir = workDir == null ? Files.createTempDirectory("numbat-scheduler-") : workDir;
        SchedulerConfig config = new SchedulerConfig(host, port, cluster.security(), Math.min(500, executorTimeout / 3),
                executorTimeout, dir, state);
        try (SchedulerNode scheduler = new SchedulerNode(config);
                NumbatContext sql = NumbatContext.over(scheduler.runner())) {
            NumbatFlightSqlProducer flightSql = new NumbatFlightSqlProducer(new SessionSqlBackend(sql),
                    sql.allocator());
            scheduler.attachFlightSql(flightSql);
            Runtime.getRuntime().addShutdownHook(new Thread(scheduler::close));
            System.out.println("numbat scheduler listening on " + host + ":" + scheduler.port()
                    + (config.security().token() != null ? " (token required)" : "")
                    + (config.security().tlsEnabled() ? " (TLS)" : ""));
            System.out.flush();
            scheduler.awaitTermination();
            flightSql.close();
        }
        return 0;
    }
}
