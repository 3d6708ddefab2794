package dev.numbat.cluster;

import dev.numbat.runtime.RunningQuery;
import dev.numbat.runtime.TaskGraph;
import org.apache.arrow.memory.BufferAllocator;

/**
 * Where a client's task graphs run: in this JVM (an in-process scheduler with an in-process executor) or on
 * a cluster. The client API is written against this, so embedded and cluster runs share everything above it.
 */
public interface QueryRunner extends AutoCloseable {

    /** The channel count plans should use by default: the slots of the executors that will run them. */
    int defaultChannels();

    /**
     * Starts {@code graph}; its result batches are moved into {@code resultAllocator} (owned by the caller).
     *
     * @param description what the query is, for admin listings (SQL text or a plan summary)
     */
    RunningQuery submit(TaskGraph graph, String description, BufferAllocator resultAllocator);

    @Override
    void close();
}
