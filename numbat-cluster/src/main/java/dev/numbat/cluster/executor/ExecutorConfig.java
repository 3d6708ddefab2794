package dev.numbat.cluster.executor;

import dev.numbat.cluster.security.ClusterSecurity;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How an executor runs: where its scheduler is, the address it serves on (port 0 = any free port), its
 * slots (threads running channels), work dir for spilled outputs and shipped jars, placement tags, the
 * directories it may read (empty = any), the memory it keeps query outputs in before spilling, and security.
 */
public record ExecutorConfig(String schedulerHost, int schedulerPort, String host, int port, int slots, Path workDir,
        Set<String> tags, List<Path> dataRoots, long retainedMemoryBytes, ClusterSecurity security) {

    public static final long DEFAULT_RETAINED_MEMORY = 1L << 30;

    public ExecutorConfig {
        Objects.requireNonNull(schedulerHost, "schedulerHost");
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(workDir, "workDir");
        Objects.requireNonNull(security, "security");
        tags = Set.copyOf(tags);
        dataRoots = List.copyOf(dataRoots);
        if (slots < 1) {
            throw new IllegalArgumentException("an executor needs at least one slot, got " + slots);
        }
    }
}
