package dev.numbat.cluster.client;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Metrics;
import dev.numbat.runtime.ChannelMetrics;
import dev.numbat.runtime.RunningQuery;
import dev.numbat.runtime.TaskGraph;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.function.Supplier;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A query running elsewhere whose results arrive as a stream: {@code next} yields each batch (owned by the
 * caller), null at the end, and throws the query's failure. Channel metrics arrive when the query has ended,
 * if the source provides them.
 */
public final class StreamedQuery implements RunningQuery {
    private final String id;
    private final TaskGraph graph;
    private final Supplier<VectorSchemaRoot> next;
    private final Runnable cancel;
    private final Runnable release;
    private final Supplier<List<ChannelMetrics>> finalMetrics;
    private final long start = System.nanoTime();
    private volatile long end;
    private volatile boolean ended;
    private volatile RuntimeException failure;
    private boolean closed;

    public StreamedQuery(String id, TaskGraph graph, Supplier<VectorSchemaRoot> next, Runnable cancel, Runnable release,
            Supplier<List<ChannelMetrics>> finalMetrics) {
        this.id = id;
        this.graph = graph;
        this.next = next;
        this.cancel = cancel;
        this.release = release;
        this.finalMetrics = finalMetrics;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TaskGraph graph() {
        return graph;
    }

    /** Next batch, null at the end; throws the failure (again on every later call). */
    private synchronized VectorSchemaRoot pull() {
        if (failure != null) {
            throw new NumbatException(code(failure), failure.getMessage(), failure);
        }
        if (ended) {
            return null;
        }
        try {
            VectorSchemaRoot b = next.get();
            if (b == null) {
                ended = true;
                end = System.nanoTime();
            }
            return b;
        } catch (RuntimeException e) {
            failure = e;
            ended = true;
            end = System.nanoTime();
            throw e;
        }
    }

    private static ErrorCode code(Throwable t) {
        return t instanceof NumbatException ne ? ne.code() : ErrorCode.INTERNAL;
    }

    @Override
    public Iterator<VectorSchemaRoot> results() {
        return new Iterator<>() {
            VectorSchemaRoot buffered;
            boolean done;

            @Override
            public boolean hasNext() {
                if (buffered == null && !done) {
                    buffered = pull();
                    done = buffered == null;
                }
                return buffered != null;
            }

            @Override
            public VectorSchemaRoot next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                VectorSchemaRoot b = buffered;
                buffered = null;
                return b;
            }
        };
    }

    /** Reads (and releases) whatever results are left, then throws the failure if the query failed. */
    @Override
    public void await() {
        VectorSchemaRoot b;
        while ((b = pull()) != null) {
            b.close();
        }
    }

    @Override
    public void cancel() {
        if (!ended) {
            cancel.run();
        }
    }

    @Override
    public boolean isDone() {
        return ended;
    }

    @Override
    public long elapsedMillis() {
        long e = end == 0 ? System.nanoTime() : end;
        return (e - start) / 1_000_000;
    }

    @Override
    public Map<String, Metrics> metrics() {
        Map<String, Metrics> out = new LinkedHashMap<>();
        List<List<ChannelMetrics>> all = channelMetrics();
        for (int n = 0; n < all.size(); n++) {
            Metrics m = out.computeIfAbsent("#" + n + " " + graph.node(n).name(), k -> new Metrics());
            for (ChannelMetrics c : all.get(n)) {
                c.counters().forEach(m::add);
            }
        }
        return out;
    }

    @Override
    public List<List<ChannelMetrics>> channelMetrics() {
        List<List<ChannelMetrics>> out = new ArrayList<>();
        graph.nodes().forEach(n -> out.add(new ArrayList<>()));
        if (ended) {
            for (ChannelMetrics c : finalMetrics.get()) {
                if (c.node() < out.size()) {
                    out.get(c.node()).add(c);
                }
            }
            out.forEach(l -> l.sort((a, b) -> Integer.compare(a.channel(), b.channel())));
        }
        return out.stream().map(List::copyOf).toList();
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!ended) {
            cancel.run();
        }
        release.run();
    }
}
