package dev.numbat.cluster.exchange;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.numbat.cluster.proto.ExchangeBatchInfo;
import dev.numbat.cluster.proto.ExchangeTicket;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.runtime.RemoteInput;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.TransferPair;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumer side of one exchange stream: reads it from the producer's executor with DoGet on a thread of
 * the given pool and hands every batch to a {@link RemoteInput}, whose blocking {@code put} is what
 * backpressures the stream (an unread Flight stream stops asking gRPC for messages, and the producer's
 * stream stops being ready). Then exactly one of {@code finish} or {@code fail}, unless the feed was closed
 * first.
 *
 * <p>A stream that breaks without an error from the producer (the connection dropped, the process died)
 * fails with EXECUTOR_LOST naming the location; an error the producer sent keeps its code and message.
 * {@link #close} cancels the stream and reports nothing more (the job it fed has ended).
 */
public final class FlightFeed implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FlightFeed.class);

    static {
        FlightCompat.ensureReadable();
    }

    private final FlightClientCache clients;
    private final Location location;
    private final ExchangeTicket ticket;
    private final RemoteInput input;
    private final BufferAllocator allocator;
    private final CompletableFuture<Void> done = new CompletableFuture<>();
    private long batches;
    private boolean closed;
    private FlightStream stream;

    private FlightFeed(FlightClientCache clients, Location location, ExchangeTicket ticket, RemoteInput input,
            BufferAllocator allocator) {
        this.clients = Objects.requireNonNull(clients, "clients");
        this.location = Objects.requireNonNull(location, "location");
        this.ticket = Objects.requireNonNull(ticket, "ticket");
        this.input = Objects.requireNonNull(input, "input");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    /**
     * Starts reading the stream named by {@code ticket} from {@code location} on a thread of {@code pool}
     * (which needs a thread per open feed: reading blocks). Batches are moved into {@code allocator} before
     * {@code put}. Never throws for a stream failure: {@code input.fail} is told instead.
     */
    public static FlightFeed start(FlightClientCache clients, Location location, ExchangeTicket ticket,
            RemoteInput input, BufferAllocator allocator, Executor pool) {
        FlightFeed feed = new FlightFeed(clients, location, ticket, input, allocator);
        try {
            pool.execute(feed::run);
        } catch (RejectedExecutionException e) {
            feed.report(new NumbatException(ErrorCode.CANCELLED, "the feed pool is shut down", e));
        }
        return feed;
    }

    public Location location() {
        return location;
    }

    public ExchangeTicket ticket() {
        return ticket;
    }

    /** Completes when the feed stopped (finished, failed or closed), once its stream is released. */
    public CompletableFuture<Void> completion() {
        return done;
    }

    /** Batches delivered so far. */
    public synchronized long batches() {
        return batches;
    }

    private void run() {
        FlightStream s = null;
        Throwable failure = null;
        boolean finished = false;
        try {
            s = clients.get(location).getStream(new Ticket(ticket.toByteArray()));
            synchronized (this) {
                stream = s;
                if (closed) {
                    s.cancel("exchange feed closed", null);
                }
            }
            while (s.next()) {
                long sequence = sequence(s.getLatestMetadata());
                VectorSchemaRoot batch = take(s.getRoot());
                if (!input.put(sequence, batch)) {
                    closeQuietly();
                    break;
                }
                synchronized (this) {
                    batches++;
                }
            }
            finished = !isClosed();
        } catch (FlightRuntimeException e) {
            failure = ExchangeStatus.fromFlight(e, location);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failure = new NumbatException(ErrorCode.CANCELLED, "interrupted reading from " + describe(), e);
        } catch (Throwable t) {
            failure = t;
        }
        if (s != null) {
            try {
                s.close(); // cancels and drains if the stream did not end
            } catch (Exception e) {
                LOG.debug("closing the stream {} failed: {}", describe(), e.toString());
            }
        }
        try {
            if (isClosed()) {
                return; // the job ended: nothing more to say
            }
            if (failure != null) {
                input.fail(failure);
            } else if (finished) {
                input.finish();
            }
        } finally {
            done.complete(null);
        }
    }

    /** Moves the stream root's buffers into a batch of our own (the root is reused for the next message). */
    private VectorSchemaRoot take(VectorSchemaRoot root) {
        List<FieldVector> moved = new ArrayList<>(root.getFieldVectors().size());
        for (FieldVector v : root.getFieldVectors()) {
            TransferPair pair = v.getTransferPair(allocator);
            pair.transfer();
            moved.add((FieldVector) pair.getTo());
        }
        return new VectorSchemaRoot(root.getSchema(), moved, root.getRowCount());
    }

    private static long sequence(ArrowBuf metadata) throws InvalidProtocolBufferException {
        if (metadata == null || metadata.readableBytes() == 0) {
            return 0; // proto3 sends nothing for sequence 0
        }
        byte[] bytes = new byte[(int) metadata.readableBytes()];
        metadata.getBytes(metadata.readerIndex(), bytes);
        return ExchangeBatchInfo.parseFrom(bytes).getSequence();
    }

    private synchronized boolean isClosed() {
        return closed;
    }

    private void closeQuietly() {
        synchronized (this) {
            closed = true;
        }
    }

    private void report(Throwable failure) {
        try {
            input.fail(failure);
        } finally {
            done.complete(null);
        }
    }

    private String describe() {
        return BufferKey.of(ticket) + " at " + ExchangeStatus.hostPort(location);
    }

    /** Cancels the stream; the input hears nothing more. Does not wait (see {@link #completion}). */
    @Override
    public void close() {
        FlightStream s;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            s = stream;
        }
        if (s != null) {
            try {
                s.cancel("exchange feed closed", null);
            } catch (RuntimeException e) {
                LOG.debug("cancelling {} failed: {}", describe(), e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "FlightFeed[" + describe() + "]";
    }
}
