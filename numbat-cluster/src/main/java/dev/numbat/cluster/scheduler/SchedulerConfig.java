package dev.numbat.cluster.scheduler;

import dev.numbat.cluster.security.ClusterSecurity;
import java.nio.file.Path;
import java.util.Objects;

/**
 * How the scheduler runs: its address (port 0 = any free port), security, how often executors heartbeat and
 * how long a silent executor has before it is declared lost, a work dir (shipped jars), and the state store
 * spec ("embedded" or "etcd://host:port").
 */
public record SchedulerConfig(String host, int port, ClusterSecurity security, long heartbeatIntervalMillis,
        long executorTimeoutMillis, Path workDir, String state) {

    public SchedulerConfig {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(security, "security");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(state, "state");
        if (executorTimeoutMillis <= heartbeatIntervalMillis) {
            throw new IllegalArgumentException("the executor timeout must exceed the heartbeat interval");
        }
    }

    public static SchedulerConfig defaults(String host, int port, Path workDir) {
        return new SchedulerConfig(host, port, ClusterSecurity.NONE, 500, 3000, workDir, "embedded");
    }

    public SchedulerConfig withSecurity(ClusterSecurity s) {
        return new SchedulerConfig(host, port, s, heartbeatIntervalMillis, executorTimeoutMillis, workDir, state);
    }

    public SchedulerConfig withState(String s) {
        return new SchedulerConfig(host, port, security, heartbeatIntervalMillis, executorTimeoutMillis, workDir, s);
    }
}
