package dev.numbat.cli;

import dev.numbat.cluster.executor.ExecutorConfig;
import dev.numbat.cluster.executor.ExecutorNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code numbat executor}: runs channels for a scheduler and serves their outputs over Arrow Flight. */
@Command(name = "executor", mixinStandardHelpOptions = true,
        description = "Run a cluster executor; several may run on one machine with different ports.")
final class ExecutorCommand implements Callable<Integer> {
    @Option(names = "--scheduler", defaultValue = "127.0.0.1:50050", paramLabel = "HOST:PORT",
            description = "The scheduler (default ${DEFAULT-VALUE}).")
    String scheduler;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on (default ${DEFAULT-VALUE}).")
    String host;

    @Option(names = "--port", defaultValue = "50051", description = "Port (default ${DEFAULT-VALUE}; 0 = any free port).")
    int port;

    @Option(names = {"-c", "--concurrency"}, paramLabel = "N",
            description = "Slots: threads running channels (default: one per core).")
    Integer slots;

    @Option(names = "--work-dir", paramLabel = "DIR",
            description = "Where spilled outputs and shipped jars go (default: a temp dir).")
    Path workDir;

    @Option(names = "--tag", paramLabel = "TAG", description = "Placement tag (repeatable), e.g. --tag gpu.")
    List<String> tags = new ArrayList<>();

    @Option(names = "--data-root", paramLabel = "DIR",
            description = "A directory this executor may read (repeatable; default: any path).")
    List<Path> dataRoots = new ArrayList<>();

    @Option(names = "--memory", defaultValue = "1073741824", paramLabel = "BYTES",
            description = "Memory for kept query outputs before they spill to the work dir (default ${DEFAULT-VALUE}).")
    long memory;

    @Mixin
    ClusterOptions cluster = new ClusterOptions();

    @Override
    public Integer call() throws Exception {
        String[] hp = ClusterOptions.hostPort(scheduler);
        Path dir = workDir == null ? Files.createTempDirectory("numbat-executor-") : workDir;
        int n = slots == null ? Runtime.getRuntime().availableProcessors() : slots;
        ExecutorConfig config = new ExecutorConfig(hp[0], Integer.parseInt(hp[1]), host, port, n, dir, Set.copyOf(tags),
                dataRoots, memory, cluster.security());
        try (ExecutorNode executor = new ExecutorNode(config)) {
            executor.start(30_000);
            Runtime.getRuntime().addShutdownHook(new Thread(executor::close));
            System.out.println("numbat executor " + executor.id() + " listening on " + host + ":" + executor.port()
                    + " with " + n + " slots");
            System.out.flush();
            executor.awaitTermination();
        }
        return 0;
    }
}
