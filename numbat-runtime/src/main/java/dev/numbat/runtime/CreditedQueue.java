package dev.numbat.runtime;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The credit rule both inboxes share: at most {@code capacity} entries queued; a producer refused for lack of
 * credit is remembered and woken when an entry is taken or the queue closes. Once closed, what arrives is
 * released and dropped (its consumer is gone). Callers hold the queue's monitor for the {@code locked*}
 * methods and wake the returned producers after releasing it.
 */
abstract class CreditedQueue<T> implements Inbox {
    private final int capacity;
    protected final ArrayDeque<T> queue = new ArrayDeque<>();
    private final List<ChannelTask> waiting = new ArrayList<>();
    protected boolean closed;

    CreditedQueue(int capacity) {
        this.capacity = capacity;
    }

    /** Under the monitor: true if the envelope may be queued now; otherwise releases it or parks the producer. */
    protected final boolean lockedAdmit(Envelope e, ChannelTask producer) {
        if (closed) {
            e.batch().close();
            return false;
        }
        if (queue.size() >= capacity) {
            if (!waiting.contains(producer)) {
                waiting.add(producer);
            }
            return false;
        }
        return true;
    }

    /** Under the monitor: true while the queue has no credit left. */
    protected final boolean lockedFull() {
        return queue.size() >= capacity;
    }

    /** Under the monitor: the producers to wake now that credit was freed (also wakes blocked feeders). */
    protected final List<ChannelTask> lockedTakeWaiters() {
        notifyAll();
        if (waiting.isEmpty()) {
            return List.of();
        }
        List<ChannelTask> wake = new ArrayList<>(waiting);
        waiting.clear();
        return wake;
    }

    /** Under the monitor: closes the queue and releases what it holds; returns the producers to wake. */
    protected final List<ChannelTask> lockedClose() {
        closed = true;
        for (T entry : queue) {
            batchOf(entry).close();
        }
        queue.clear();
        return lockedTakeWaiters();
    }

    protected abstract VectorSchemaRoot batchOf(T entry);

    static void wakeAll(List<ChannelTask> tasks) {
        tasks.forEach(ChannelTask::wake);
    }
}
