package dev.numbat.cli;

import dev.numbat.cluster.client.RemoteCluster;
import dev.numbat.cluster.proto.ClusterInfo;
import dev.numbat.cluster.proto.ExecutorStatus;
import dev.numbat.cluster.proto.Pong;
import dev.numbat.cluster.proto.QueryStatus;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code numbat admin}: inspects and manages a running cluster. Every call goes through the scheduler's
 * authenticated gRPC API; none runs code.
 */
@Command(name = "admin", mixinStandardHelpOptions = true,
        description = "Cluster administration: info, executors, queries, ping, cancel, kill-executor, shutdown.",
        subcommands = {AdminCommand.Info.class, AdminCommand.Executors.class, AdminCommand.Queries.class,
                AdminCommand.Ping.class, AdminCommand.Cancel.class, AdminCommand.KillExecutor.class,
                AdminCommand.Shutdown.class})
final class AdminCommand {

    /** Options every admin call takes. */
    static final class Target {
        @Option(names = "--scheduler", defaultValue = "127.0.0.1:50050", paramLabel = "HOST:PORT",
                description = "The scheduler (default ${DEFAULT-VALUE}).")
        String scheduler;

        @Mixin
        ClusterOptions cluster = new ClusterOptions();

        void with(Consumer<RemoteCluster> action) {
            String[] hp = ClusterOptions.hostPort(scheduler);
            try (BufferAllocator allocator = new RootAllocator();
                    RemoteCluster c = new RemoteCluster(hp[0], Integer.parseInt(hp[1]), cluster.security(), allocator)) {
                action.accept(c);
            }
        }
    }

    abstract static class Sub implements Callable<Integer> {
        @Mixin
        Target target = new Target();

        @Spec
        CommandSpec spec;

        PrintWriter out() {
            return spec.commandLine().getOut();
        }

        @Override
        public Integer call() {
            target.with(this::run);
            out().flush();
            return 0;
        }

        abstract void run(RemoteCluster c);
    }

    @Command(name = "info", description = "Scheduler, executors, load and the latest queries.")
    static final class Info extends Sub {
        @Override
        void run(RemoteCluster c) {
            Pong p = c.ping();
            ClusterInfo info = c.info();
            out().printf(Locale.ROOT, "scheduler %s at %s, up %s%n", p.getSchedulerId(), c.address(),
                    duration(p.getUptimeMillis()));
            out().printf(Locale.ROOT, "executors: %d, slots: %d, auth: %s, user code: %s%n", info.getExecutors(),
                    info.getTotalSlots(), info.getAuthRequired() ? "token" : "none",
                    info.getUserCodeAllowed() ? "accepted (authenticated clients)" : "refused");
            printExecutors(out(), c.executors().getExecutorsList());
            List<QueryStatus> queries = c.queries().getQueriesList();
            long running = queries.stream().filter(q -> q.getState().equals("running")).count();
            out().printf(Locale.ROOT, "queries: %d running, %d recent%n", running, queries.size() - running);
            queries.stream().filter(q -> !q.getState().equals("running")).findFirst().ifPresent(q -> out().printf(
                    Locale.ROOT, "last query: %s %s in %s (%d rows)%n", q.getQueryId(), q.getState(),
                    duration(q.getDurationMillis()), q.getResultRows()));
        }
    }

    @Command(name = "executors", description = "Executors with their slots, tags and load.")
    static final class Executors extends Sub {
        @Override
        void run(RemoteCluster c) {
            printExecutors(out(), c.executors().getExecutorsList());
        }
    }

    @Command(name = "queries", description = "Running and recent queries with their durations.")
    static final class Queries extends Sub {
        @Override
        void run(RemoteCluster c) {
            out().printf(Locale.ROOT, "%-8s %-10s %-20s %10s %10s  %s%n", "query", "state", "started", "duration",
                    "rows", "description");
            for (QueryStatus q : c.queries().getQueriesList()) {
                String desc = q.getDescription().replaceAll("\\s+", " ");
                if (desc.length() > 60) {
                    desc = desc.substring(0, 57) + "...";
                }
                out().printf(Locale.ROOT, "%-8s %-10s %-20s %10s %10d  %s%n", q.getQueryId(), q.getState(),
                        Instant.ofEpochMilli(q.getStartedEpochMillis()).toString().substring(0, 19),
                        duration(q.getDurationMillis()), q.getResultRows(), desc);
                if (q.hasError()) {
                    out().printf(Locale.ROOT, "         error [%s]: %s%n", q.getError().getCode(), q.getError().getMessage());
                }
            }
        }
    }

    @Command(name = "ping", description = "Checks that the scheduler answers.")
    static final class Ping extends Sub {
        @Override
        void run(RemoteCluster c) {
            long start = System.nanoTime();
            Pong p = c.ping();
            out().printf(Locale.ROOT, "pong from %s in %.1f ms%n", p.getSchedulerId(), (System.nanoTime() - start) / 1e6);
        }
    }

    @Command(name = "cancel", description = "Cancels a running query; every executor frees what it held.")
    static final class Cancel extends Sub {
        @Parameters(paramLabel = "QUERY")
        String query;

        @Override
        void run(RemoteCluster c) {
            c.cancel(query);
            out().println("cancelled " + query);
        }
    }

    @Command(name = "kill-executor", description = "Stops an executor; its queries fail with EXECUTOR_LOST.")
    static final class KillExecutor extends Sub {
        @Parameters(paramLabel = "ID")
        String executor;

        @Override
        void run(RemoteCluster c) {
            c.killExecutor(executor);
            out().println("killed " + executor);
        }
    }

    @Command(name = "shutdown", description = "Stops every executor, then the scheduler.")
    static final class Shutdown extends Sub {
        @Override
        void run(RemoteCluster c) {
            c.shutdownCluster();
            out().println("cluster shutting down");
        }
    }

    static void printExecutors(PrintWriter out, List<ExecutorStatus> executors) {
        out.printf(Locale.ROOT, "%-12s %-22s %5s %8s %8s %10s %10s %8s  %s%n", "executor", "address", "slots",
                "channels", "queries", "retained", "spilled", "ran", "tags");
        for (ExecutorStatus e : executors) {
            out.printf(Locale.ROOT, "%-12s %-22s %5d %8d %8d %10s %10s %8d  %s%n", e.getExecutorId(),
                    e.getHost() + ":" + e.getPort(), e.getSlots(), e.getRunningChannels(), e.getRunningQueries(),
                    bytes(e.getRetainedBytes()), bytes(e.getSpilledBytes()), e.getQueriesRun(),
                    String.join(",", e.getTagsList()));
        }
    }

    static String duration(long millis) {
        return millis < 10_000 ? millis + " ms" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }

    static String bytes(long b) {
        if (b < 1024) {
            return b + " B";
        }
        if (b < 1 << 20) {
            return String.format(Locale.ROOT, "%.1f KB", b / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MB", b / 1048576.0);
    }
}
