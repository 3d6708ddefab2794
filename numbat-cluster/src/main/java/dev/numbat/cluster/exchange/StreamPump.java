package dev.numbat.cluster.exchange;

import dev.numbat.cluster.proto.ExchangeBatchInfo;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one output buffer to one Flight stream. A cooperative task on the service's pump threads, like a
 * channel on the runtime's: each run sends what it can, then yields; it never blocks. It runs again when the
 * buffer gets news (a batch, the end, a failure, a release), when gRPC says the client can take more
 * ({@code setOnReadyHandler}), when the client cancels, or when its wait for the buffer to exist times out.
 * Runs never overlap, which is what makes calling the (not thread-safe) listener from pump threads safe.
 */
final class StreamPump implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(StreamPump.class);
    private static final int IDLE = 0;
    private static final int SCHEDULED = 1;
    private static final int RUNNING = 2;
    private static final int RUN_AGAIN = 3;
    private static final long SLICE_NANOS = 10_000_000;

    private final ExchangeService service;
    private final BufferKey key;
    private final long fromSequence;
    private final ServerStreamListener listener;
    private final long deadline;
    private final AtomicInteger state = new AtomicInteger(IDLE);

    // Touched only by the running pump.
    private OutputBuffer buffer;
    private int index;
    private BufferAllocator allocator;
    private VectorSchemaRoot root;
    private boolean started;
    private boolean timerSet;
    private boolean done;

    StreamPump(ExchangeService service, BufferKey key, long fromSequence, ServerStreamListener listener) {
        this.service = service;
        this.key = key;
        this.fromSequence = fromSequence;
        this.listener = listener;
        this.deadline = System.nanoTime() + service.options().bufferWait().toNanos();
    }

    BufferKey key() {
        return key;
    }

    /** Called once from getStream. */
    void start() {
        listener.setOnReadyHandler(this::schedule);
        listener.setOnCancelHandler(this::schedule);
        if (!service.register(this)) {
            listener.error(ExchangeStatus.toFlight(new NumbatException(ErrorCode.CANCELLED,
                    "the exchange service is closed")));
            return;
        }
        schedule();
    }

    /** Makes sure the pump runs soon; safe from any thread, cheap if it is already scheduled or running. */
    void schedule() {
        while (true) {
            int s = state.get();
            if (s == IDLE) {
                if (state.compareAndSet(IDLE, SCHEDULED)) {
                    try {
                        service.execute(this);
                    } catch (RejectedExecutionException e) {
                        // The service is closing; close() ended or ends this stream.
                        state.set(IDLE);
                    }
                    return;
                }
            } else if (s == RUNNING) {
                if (state.compareAndSet(RUNNING, RUN_AGAIN)) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    @Override
    public void run() {
        state.set(RUNNING);
        while (true) {
            boolean again;
            try {
                again = step();
            } catch (Throwable t) {
                again = false;
                end(t);
            }
            if (!again && state.compareAndSet(RUNNING, IDLE)) {
                return;
            }
            // Woken while running, or out of its time slice: let other streams have the thread.
            state.set(SCHEDULED);
            try {
                service.execute(this);
                return;
            } catch (RejectedExecutionException e) {
                state.set(RUNNING);
            }
        }
    }

    /** Sends what it can; true to be run again at once. */
    private boolean step() {
        if (done) {
            return false;
        }
        if (listener.isCancelled()) {
            // The client went away (its job ended or failed): nothing to tell it.
            done = true;
            cleanUp();
            return false;
        }
        if (service.isClosed()) {
            end(new NumbatException(ErrorCode.CANCELLED, "the exchange service is closed"));
            return false;
        }
        if (buffer == null) {
            buffer = service.attach(key, this);
            if (buffer == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    end(new NumbatException(ErrorCode.INTERNAL, "no output for " + key + " appeared within "
                            + service.options().bufferWait().toMillis() + " ms (its producer did not start here)"));
                } else if (!timerSet) {
                    timerSet = true;
                    service.schedule(this::schedule, left);
                }
                return false;
            }
            if (allocator == null) {
                allocator = service.allocator().newChildAllocator("stream " + key, 0, Long.MAX_VALUE);
            }
        }
        long start = System.nanoTime();
        while (true) {
            switch (buffer.poll(index, this::schedule)) {
                case RELEASED -> {
                    end(buffer.releasedError());
                    return false;
                }
                case FAILED -> {
                    end(buffer.failure());
                    return false;
                }
                case END -> {
                    done = true;
                    listener.completed();
                    cleanUp();
                    return false;
                }
                case WAIT -> {
                    return false;
                }
                case BATCH -> {
                    // Handled below.
                }
            }
            long sequence = buffer.sequenceAt(index);
            if (sequence < fromSequence) {
                index++;
                continue;
            }
            if (!listener.isReady()) {
                return false; // the on-ready handler schedules this pump again
            }
            if (root == null) {
                root = VectorSchemaRoot.create(buffer.schema(), allocator);
            }
            if (!buffer.load(index, root, allocator)) {
                continue; // released meanwhile: the next poll says so
            }
            if (!started) {
                started = true;
                listener.start(root);
            }
            listener.putNext(metadata(sequence));
            index++;
            buffer.sent(index);
            if (System.nanoTime() - start > SLICE_NANOS) {
                return true;
            }
        }
    }

    private ArrowBuf metadata(long sequence) {
        byte[] bytes = ExchangeBatchInfo.newBuilder().setSequence(sequence).build().toByteArray();
        ArrowBuf buf = allocator.buffer(Math.max(1, bytes.length));
        buf.writeBytes(bytes);
        return buf; // the Flight message takes ownership
    }

    private void end(Throwable failure) {
        if (done) {
            return;
        }
        done = true;
        try {
            listener.error(ExchangeStatus.toFlight(failure));
        } catch (RuntimeException e) {
            LOG.debug("could not send the failure of {} to its reader: {}", key, e.toString());
        }
        cleanUp();
    }

    private void cleanUp() {
        if (root != null) {
            root.close();
            root = null;
        }
        if (allocator != null) {
            try {
                allocator.close();
            } catch (RuntimeException e) {
                LOG.error("stream {} leaked buffers: {}", key, e.getMessage());
            }
            allocator = null;
        }
        service.unregister(this);
    }

    @Override
    public String toString() {
        return "StreamPump[" + key + " from " + fromSequence + ", sent up to " + index + "]";
    }
}
