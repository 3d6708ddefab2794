package dev.numbat.runtime;

import dev.numbat.core.batch.Batches;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The output node's batches on their way to the client thread, with the same credit rule as
 * {@link InputQueue}: a client that reads slowly makes the job wait instead of piling up results.
 */
final class ResultQueue implements Inbox {
    private final BufferAllocator allocator;
    private final int capacity;
    private final ArrayDeque<VectorSchemaRoot> queue = new ArrayDeque<>();
    private final List<ChannelTask> waiting = new ArrayList<>();
    private int producersOpen;
    private boolean closed;
    private Throwable failure;

    ResultQueue(BufferAllocator allocator, int capacity, int producers) {
        this.allocator = allocator;
        this.capacity = capacity;
        this.producersOpen = producers;
    }

    @Override
    public boolean offer(Envelope e, ChannelTask producer) {
        synchronized (this) {
            if (closed) {
                e.batch().close();
                return true;
            }
            if (queue.size() >= capacity) {
                if (!waiting.contains(producer)) {
                    waiting.add(producer);
                }
                return false;
            }
            queue.add(Batches.transfer(e.batch(), allocator));
            notifyAll();
        }
        return true;
    }

    @Override
    public synchronized void producerDone() {
        producersOpen--;
        notifyAll();
    }

    /**
     * Blocks until a batch is available (returned, owned by the caller), the output is complete (null), or
     * the job failed (its exception is thrown).
     */
    VectorSchemaRoot take() throws InterruptedException {
        List<ChannelTask> wake;
        VectorSchemaRoot batch;
        synchronized (this) {
            while (queue.isEmpty() && producersOpen > 0 && failure == null && !closed) {
                wait();
            }
            if (failure != null) {
                throw Job.rethrow(failure);
            }
            batch = queue.poll();
            if (batch == null) {
                return null;
            }
            wake = new ArrayList<>(waiting);
            waiting.clear();
        }
        wake.forEach(ChannelTask::wake);
        return batch;
    }

    /** Fails the reader with the job's error and drops queued batches. */
    void fail(Throwable t) {
        List<ChannelTask> wake;
        synchronized (this) {
            if (failure == null) {
                failure = t;
            }
            closed = true;
            queue.forEach(VectorSchemaRoot::close);
            queue.clear();
            wake = new ArrayList<>(waiting);
            waiting.clear();
            notifyAll();
        }
        wake.forEach(ChannelTask::wake);
    }

    /** The client stopped reading: drop everything, now and later. */
    void close() {
        List<ChannelTask> wake;
        synchronized (this) {
            closed = true;
            queue.forEach(VectorSchemaRoot::close);
            queue.clear();
            wake = new ArrayList<>(waiting);
            waiting.clear();
            notifyAll();
        }
        wake.forEach(ChannelTask::wake);
    }
}
