package dev.numbat.runtime;

import dev.numbat.core.batch.Batches;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The output node's batches on their way to the client thread, with the same credit rule as
 * {@link InputQueue}: a client that reads slowly makes the job wait instead of piling up results.
 */
final class ResultQueue extends CreditedQueue<VectorSchemaRoot> {
    private final BufferAllocator allocator;
    private int producersOpen;
    private Throwable failure;

    ResultQueue(BufferAllocator allocator, int capacity, int producers) {
        super(capacity);
        this.allocator = allocator;
        this.producersOpen = producers;
    }

    @Override
    public synchronized boolean offer(Envelope e, ChannelTask producer) {
        if (!lockedAdmit(e, producer)) {
            return closed;
        }
        queue.add(Batches.transfer(e.batch(), allocator));
        notifyAll();
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
            wake = lockedTakeWaiters();
        }
        wakeAll(wake);
        return batch;
    }

    /** Fails the reader with the job's error and drops queued batches. */
    void fail(Throwable t) {
        List<ChannelTask> wake;
        synchronized (this) {
            if (failure == null) {
                failure = t;
            }
            wake = lockedClose();
            notifyAll();
        }
        wakeAll(wake);
    }

    /** The client stopped reading: drop everything, now and later. */
    void close() {
        List<ChannelTask> wake;
        synchronized (this) {
            wake = lockedClose();
            notifyAll();
        }
        wakeAll(wake);
    }

    @Override
    protected VectorSchemaRoot batchOf(VectorSchemaRoot entry) {
        return entry;
    }
}
