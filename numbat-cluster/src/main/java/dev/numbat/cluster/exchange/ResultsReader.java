package dev.numbat.cluster.exchange;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.runtime.JobPlacement;
import dev.numbat.runtime.RemoteInput;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A query's results, for the scheduler or a client: the {@link JobPlacement#RESULT_EDGE} streams of all
 * output channels, read in parallel and merged in arrival order (no order across channels). Each returned
 * batch is the caller's to close. Iteration ends when every channel's stream finished and throws the first
 * failure (a {@link NumbatException}) otherwise; {@link #close} cancels what is still being read.
 *
 * <p>At most {@code capacity} batches wait here; beyond that the streams stop being read, so a slow reader
 * slows the query down instead of piling up results. Not thread-safe for iteration (one reader thread);
 * {@link #close} may be called from any thread.
 */
public final class ResultsReader implements Iterator<VectorSchemaRoot>, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ResultsReader.class);
    private static final long CLOSE_WAIT_SECONDS = 10;

    private final String queryId;
    private final int capacity;
    private final List<FlightFeed> feeds = new ArrayList<>();
    private final ArrayDeque<VectorSchemaRoot> queue = new ArrayDeque<>();
    private int open;
    private Throwable failure;
    private boolean closed;
    private VectorSchemaRoot next;

    /**
     * Starts reading. {@code outputChannels.get(c)} is where output channel {@code c} runs; batches are moved
     * into {@code allocator}, which must outlive this reader; {@code pool} needs a thread per channel.
     */
    public ResultsReader(String queryId, List<Location> outputChannels, FlightClientCache clients,
            BufferAllocator allocator, Executor pool, int capacity) {
        this.queryId = Objects.requireNonNull(queryId, "queryId");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
        this.open = outputChannels.size();
        for (int c = 0; c < outputChannels.size(); c++) {
            BufferKey key = new BufferKey(queryId, JobPlacement.RESULT_EDGE, c, 0);
            FlightFeed feed = FlightFeed.start(clients, outputChannels.get(c), key.ticket(0), new Input(), allocator,
                    pool);
            boolean stop;
            synchronized (this) {
                feeds.add(feed);
                stop = closed || failure != null;
            }
            if (stop) {
                feed.close();
            }
        }
    }

    /** One output channel's stream as it arrives. */
    private final class Input implements RemoteInput {
        @Override
        public boolean put(long sequence, VectorSchemaRoot batch) throws InterruptedException {
            synchronized (ResultsReader.this) {
                while (!closed && failure == null && queue.size() >= capacity) {
                    ResultsReader.this.wait();
                }
                if (closed || failure != null) {
                    batch.close();
                    return false;
                }
                queue.add(batch);
                ResultsReader.this.notifyAll();
                return true;
            }
        }

        @Override
        public void finish() {
            synchronized (ResultsReader.this) {
                open--;
                ResultsReader.this.notifyAll();
            }
        }

        @Override
        public void fail(Throwable cause) {
            boolean first;
            synchronized (ResultsReader.this) {
                first = failure == null && !closed;
                if (first) {
                    failure = cause;
                }
                ResultsReader.this.notifyAll();
            }
            if (first) {
                // The query failed: stop reading the other channels.
                feeds().forEach(FlightFeed::close);
            }
        }
    }

    private synchronized List<FlightFeed> feeds() {
        return List.copyOf(feeds);
    }

    /** Blocks until a batch is available, the results are complete, or the query failed (thrown). */
    @Override
    public boolean hasNext() {
        if (next != null) {
            return true;
        }
        synchronized (this) {
            try {
                while (queue.isEmpty() && open > 0 && failure == null && !closed) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeLater();
                throw new NumbatException(ErrorCode.CANCELLED,
                        "interrupted reading the results of query " + queryId, e);
            }
            if (failure != null) {
                Throwable f = failure;
                closeLater();
                throw f instanceof NumbatException ne ? new NumbatException(ne.code(), ne.getMessage(), ne)
                        : NumbatException.internal("reading the results of query " + queryId + " failed: " + f, f);
            }
            if (closed) {
                return false;
            }
            next = queue.poll();
            notifyAll();
            return next != null;
        }
    }

    @Override
    public VectorSchemaRoot next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        VectorSchemaRoot b = next;
        next = null;
        return b;
    }

    /** Marks the reader closed and releases queued batches without waiting (under the monitor). */
    private void closeLater() {
        closed = true;
        queue.forEach(VectorSchemaRoot::close);
        queue.clear();
        notifyAll();
        new ArrayList<>(feeds).forEach(FlightFeed::close);
    }

    /**
     * Cancels the streams still being read and releases queued batches; waits (up to 10 s) until the feeds
     * let go of their buffers, so the allocator can be closed afterwards.
     */
    @Override
    public void close() {
        synchronized (this) {
            closeLater();
            if (next != null) {
                next.close();
                next = null;
            }
        }
        CompletableFuture<?>[] all = feeds().stream().map(FlightFeed::completion).toArray(CompletableFuture[]::new);
        try {
            CompletableFuture.allOf(all).get(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (TimeoutException e) {
            LOG.warn("result streams of query {} did not stop within {} s", queryId, CLOSE_WAIT_SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            // Feeds complete normally; nothing to report.
        }
    }
}
