package dev.numbat.runtime;

import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One input of one consumer channel. Credit-based: it accepts at most {@code capacity} batches; a producer
 * refused for lack of credit is remembered and woken when the consumer takes a batch. Accepted batches are
 * moved (zero-copy) into the consumer's allocator so each channel accounts for what it holds.
 */
final class InputQueue implements Inbox {
    private final ChannelTask consumer;
    private final BufferAllocator allocator;
    private final int capacity;
    private final ArrayDeque<Envelope> queue = new ArrayDeque<>();
    private final List<ChannelTask> waiting = new ArrayList<>();
    private final long[] lastSequence;
    private int producersOpen;
    private boolean closed;

    InputQueue(ChannelTask consumer, BufferAllocator allocator, int capacity, int producers) {
        this.consumer = consumer;
        this.allocator = allocator;
        this.capacity = capacity;
        this.producersOpen = producers;
        this.lastSequence = new long[producers];
        java.util.Arrays.fill(lastSequence, -1);
    }

    @Override
    public boolean offer(Envelope e, ChannelTask producer) {
        synchronized (this) {
            if (closed) {
                // The consumer is gone (the job is failing); drop what arrives.
                e.batch().close();
                return true;
            }
            if (queue.size() >= capacity) {
                if (!waiting.contains(producer)) {
                    waiting.add(producer);
                }
                return false;
            }
            if (e.sequence() < lastSequence[e.producer()]) {
                e.batch().close();
                throw new NumbatException(dev.numbat.core.ErrorCode.INTERNAL, "batch " + e.sequence()
                        + " from producer " + e.producer() + " arrived after batch " + lastSequence[e.producer()]);
            }
            lastSequence[e.producer()] = e.sequence();
            queue.add(new Envelope(e.producer(), e.sequence(), Batches.transfer(e.batch(), allocator)));
        }
        consumer.wake();
        return true;
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
            if (e == null || waiting.isEmpty()) {
                return e;
            }
            wake = new ArrayList<>(waiting);
            waiting.clear();
        }
        wake.forEach(ChannelTask::wake);
        return e;
    }

    /** True when every producer is done and nothing is left to take. */
    synchronized boolean isFinished() {
        return producersOpen == 0 && queue.isEmpty();
    }

    /** Releases queued batches and refuses (drops) what comes later; wakes blocked producers. */
    void close() {
        List<ChannelTask> wake;
        synchronized (this) {
            closed = true;
            queue.forEach(e -> e.batch().close());
            queue.clear();
            wake = new ArrayList<>(waiting);
            waiting.clear();
        }
        wake.forEach(ChannelTask::wake);
    }
}
