package dev.numbat.runtime;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One input of one consumer channel, with credit-based flow control ({@link CreditedQueue}). Accepted batches
 * are moved (zero-copy) into the consumer's allocator so each channel accounts for what it holds.
 */
final class InputQueue extends CreditedQueue<Envelope> {
    private final ChannelTask consumer;
    private final BufferAllocator allocator;
    private final long[] lastSequence;
    private int producersOpen;

    InputQueue(ChannelTask consumer, BufferAllocator allocator, int capacity, int producers) {
        super(capacity);
        this.consumer = consumer;
        this.allocator = allocator;
        this.producersOpen = producers;
        this.lastSequence = new long[producers];
        Arrays.fill(lastSequence, -1);
    }

    @Override
    public boolean offer(Envelope e, ChannelTask producer) {
        synchronized (this) {
            if (!lockedAdmit(e, producer)) {
                return closed;
            }
            lockedAdd(e);
        }
        consumer.wake();
        return true;
    }

    /**
     * For a thread receiving a remote producer's stream: waits for credit, then queues the batch. False if
     * the queue closed meanwhile (the batch is released).
     */
    boolean put(Envelope e) throws InterruptedException {
        synchronized (this) {
            while (!closed && lockedFull()) {
                wait();
            }
            if (closed) {
                e.batch().close();
                return false;
            }
            lockedAdd(e);
        }
        consumer.wake();
        return true;
    }

    private void lockedAdd(Envelope e) {
        // Sequence numbers per producer never go back: what replay after a failure relies on.
        if (e.sequence() < lastSequence[e.producer()]) {
            e.batch().close();
            throw new NumbatException(ErrorCode.INTERNAL, "batch " + e.sequence() + " from producer "
                    + e.producer() + " arrived after batch " + lastSequence[e.producer()]);
        }
        lastSequence[e.producer()] = e.sequence();
        queue.add(new Envelope(e.producer(), e.sequence(), Batches.transfer(e.batch(), allocator)));
    }

    @Override
    public void producerDone() {
        synchronized (this) {
            producersOpen--;
        }
        consumer.wake();
    }

    /** Takes the next batch, or null if none is queued. Called by the consumer only. */
    Envelope poll() {
        List<ChannelTask> wake;
        Envelope e;
        synchronized (this) {
            e = queue.poll();
            if (e == null) {
                return null;
            }
            wake = lockedTakeWaiters();
        }
        wakeAll(wake);
        return e;
    }

    /** True when every producer is done and nothing is left to take. */
    synchronized boolean isFinished() {
        return producersOpen == 0 && queue.isEmpty();
    }

    /** Releases queued batches and drops what comes later; wakes blocked producers. */
    void close() {
        List<ChannelTask> wake;
        synchronized (this) {
            wake = lockedClose();
        }
        wakeAll(wake);
    }

    @Override
    protected VectorSchemaRoot batchOf(Envelope entry) {
        return entry.batch();
    }
}
