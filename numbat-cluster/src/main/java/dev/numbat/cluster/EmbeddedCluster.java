package dev.numbat.cluster;

import dev.numbat.cluster.scheduler.ChannelPlacer;
import dev.numbat.runtime.LocalRuntime;
import dev.numbat.runtime.RunningQuery;
import dev.numbat.runtime.RuntimeOptions;
import dev.numbat.runtime.TaskGraph;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The embedded default: a scheduler and one executor inside this JVM. Graphs are placed by the same
 * {@link ChannelPlacer} the cluster scheduler uses (every channel lands on the one in-process executor, which
 * carries any tag asked for), then run on a {@link LocalRuntime} with in-memory, zero-copy exchanges.
 */
public final class EmbeddedCluster implements QueryRunner {
    private final LocalRuntime runtime;

    /** @param allocator the parent of every job's memory; the caller owns it */
    public EmbeddedCluster(RuntimeOptions options, BufferAllocator allocator) {
        this.runtime = new LocalRuntime(options, allocator);
    }

    public RuntimeOptions options() {
        return runtime.options();
    }

    @Override
    public int defaultChannels() {
        return runtime.options().threads();
    }

    @Override
    public RunningQuery submit(TaskGraph graph, String description, BufferAllocator resultAllocator) {
        Set<String> tags = new HashSet<>();
        graph.placementTags().values().forEach(tags::addAll);
        ChannelPlacer.place(graph, graph.placementTags(), List.of(new ChannelPlacer.Candidate("embedded",
                runtime.options().threads(), 0, tags, List.of())));
        return runtime.submit(graph, resultAllocator);
    }

    @Override
    public void close() {
        runtime.close();
    }
}
