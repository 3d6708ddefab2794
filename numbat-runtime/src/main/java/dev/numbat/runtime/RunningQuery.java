package dev.numbat.runtime;

import dev.numbat.core.operator.Metrics;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A submitted task graph as its client sees it, whether its channels run in this JVM ({@link Job}) or on a
 * cluster. Results stream while it runs; closing it cancels what is still running and releases everything.
 */
public interface RunningQuery extends AutoCloseable {

    String id();

    TaskGraph graph();

    /**
     * The output node's batches in arrival order, each owned by the caller (close it). The iterator ends when
     * the query has finished successfully and throws its failure (a NumbatException) otherwise.
     */
    Iterator<VectorSchemaRoot> results();

    /** Waits for the end; throws the failure if the query failed. */
    void await();

    void cancel();

    boolean isDone();

    long elapsedMillis();

    /** Per node: counters summed over its channels. */
    Map<String, Metrics> metrics();

    /** Per node (index = node id): each channel's counters, peak memory and wall time, in channel order. */
    List<List<ChannelMetrics>> channelMetrics();

    @Override
    void close();
}
