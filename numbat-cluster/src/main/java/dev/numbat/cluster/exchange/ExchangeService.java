package dev.numbat.cluster.exchange;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import io.grpc.BindableService;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.auth.ServerAuthHandler;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane of one executor process: the {@link OutputBuffer}s its producer channels write for consumer
 * channels elsewhere, and the Flight service that streams them ({@link #bindable}). One per process.
 *
 * <p>Outputs are retained until {@link #release} (the query ended, failed or was cancelled): in memory while
 * the process's retained bytes are within {@link ExchangeOptions#memoryBudgetBytes}, spilled to files under
 * the work directory otherwise. A stream may ask for a buffer before its producer has started here: it waits
 * for it up to {@link ExchangeOptions#bufferWait}, or until the query is released.
 *
 * <p>Thread safety: all methods may be called from any thread.
 */
public final class ExchangeService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeService.class);
    /** Released query ids remembered, so that a late stream request fails at once instead of waiting. */
    private static final int RELEASED_REMEMBERED = 10_000;
    private static final AtomicInteger SERVICES = new AtomicInteger();

    static {
        FlightCompat.ensureReadable();
    }

    private final BufferAllocator allocator;
    private final Path workDir;
    private final ExchangeOptions options;
    private final ThreadPoolExecutor pumps;
    private final ScheduledExecutorService timer;
    private final ExchangeFlightProducer producer;
    private final AtomicLong inMemoryBytes = new AtomicLong();
    private final AtomicLong spilledBytes = new AtomicLong();

    private final Object lock = new Object();
    // Guarded by lock.
    private final Map<String, QueryBuffers> queries = new HashMap<>();
    private final Map<BufferKey, List<StreamPump>> waiting = new HashMap<>();
    private final Set<String> released = java.util.Collections.newSetFromMap(new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > RELEASED_REMEMBERED;
        }
    });
    private final Set<StreamPump> streams = new LinkedHashSet<>();
    private boolean closed;

    /** One query's buffers and the allocator their batches are accounted to. */
    private record QueryBuffers(BufferAllocator allocator, Map<BufferKey, OutputBuffer> buffers) {
    }

    /**
     * @param parent the allocator this service takes a child of; the caller owns it
     * @param workDir where spill files go (created if missing); each query gets a directory of its own
     */
    public ExchangeService(BufferAllocator parent, Path workDir, ExchangeOptions options) {
        Objects.requireNonNull(parent, "parent");
        this.workDir = Objects.requireNonNull(workDir, "workDir");
        this.options = Objects.requireNonNull(options, "options");
        try {
            Files.createDirectories(workDir);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot create exchange work dir " + workDir + ": "
                    + e.getMessage(), e);
        }
        int id = SERVICES.incrementAndGet();
        this.allocator = parent.newChildAllocator("exchange-" + id, 0, Long.MAX_VALUE);
        AtomicInteger threads = new AtomicInteger();
        this.pumps = new ThreadPoolExecutor(options.pumpThreads(), options.pumpThreads(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(),
                r -> daemon(r, "numbat-exchange-" + id + "-pump-" + threads.incrementAndGet()));
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "numbat-exchange-" + id + "-timer"));
        this.producer = new ExchangeFlightProducer(this);
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /** The allocator exchange batches live in (retained outputs, streams, and batches read by feeds). */
    public BufferAllocator allocator() {
        return allocator;
    }

    public ExchangeOptions options() {
        return options;
    }

    public Path workDir() {
        return workDir;
    }

    /** The Flight producer that serves {@link dev.numbat.cluster.proto.ExchangeTicket}s from this service. */
    public FlightProducer flightProducer() {
        return producer;
    }

    /**
     * The Flight service to add to the executor's gRPC server; {@code executor} runs Flight's blocking
     * handlers (this service's streams run on its own threads).
     */
    public BindableService bindable(ExecutorService executor) {
        return FlightGrpcUtils.createFlightService(allocator, producer, ServerAuthHandler.NO_OP, executor);
    }

    /**
     * The buffer for a local producer channel's output to a remote consumer channel, created on first use.
     *
     * @throws NumbatException CANCELLED if the query was already released
     */
    public OutputBuffer outputBuffer(String queryId, int edge, int producerChannel, int consumerChannel) {
        BufferKey key = new BufferKey(queryId, edge, producerChannel, consumerChannel);
        OutputBuffer buffer;
        List<StreamPump> wake;
        synchronized (lock) {
            if (closed) {
                throw new NumbatException(ErrorCode.CANCELLED, "the exchange service is closed");
            }
            if (released.contains(queryId)) {
                throw new NumbatException(ErrorCode.CANCELLED, "query " + queryId + " was already released");
            }
            QueryBuffers q = queries.computeIfAbsent(queryId, id -> new QueryBuffers(
                    allocator.newChildAllocator("query-" + id, 0, Long.MAX_VALUE), new LinkedHashMap<>()));
            buffer = q.buffers().get(key);
            if (buffer != null) {
                return buffer;
            }
            buffer = new OutputBuffer(this, key, q.allocator(), spillPath(key), options.credit());
            q.buffers().put(key, buffer);
            wake = waiting.remove(key);
        }
        if (wake != null) {
            wake.forEach(StreamPump::schedule);
        }
        return buffer;
    }

    private Path spillPath(BufferKey key) {
        String edge = key.edge() < 0 ? "result" : "e" + key.edge();
        return queryDir(key.queryId()).resolve(edge + "-p" + key.producer() + "-c" + key.consumer() + ".arrows");
    }

    private Path queryDir(String queryId) {
        // Query ids come from the scheduler; keep whatever they are to a safe file name.
        return workDir.resolve("query-" + queryId.replaceAll("[^A-Za-z0-9_.-]", "_"));
    }

    /**
     * For a stream: the buffer, or null after registering {@code pump} to be scheduled when it is created.
     *
     * @throws NumbatException CANCELLED if the query was released (or the service closed)
     */
    OutputBuffer attach(BufferKey key, StreamPump pump) {
        synchronized (lock) {
            if (closed) {
                throw new NumbatException(ErrorCode.CANCELLED, "the exchange service is closed");
            }
            if (released.contains(key.queryId())) {
                throw new NumbatException(ErrorCode.CANCELLED, "query " + key.queryId() + " was released");
            }
            QueryBuffers q = queries.get(key.queryId());
            OutputBuffer b = q == null ? null : q.buffers().get(key);
            if (b == null) {
                List<StreamPump> list = waiting.computeIfAbsent(key, k -> new ArrayList<>());
                if (!list.contains(pump)) {
                    list.add(pump);
                }
            }
            return b;
        }
    }

    /** Registers a live stream; false if the service is closed. */
    boolean register(StreamPump pump) {
        synchronized (lock) {
            if (closed) {
                return false;
            }
            streams.add(pump);
            return true;
        }
    }

    void unregister(StreamPump pump) {
        synchronized (lock) {
            streams.remove(pump);
            List<StreamPump> list = waiting.get(pump.key());
            if (list != null) {
                list.remove(pump);
                if (list.isEmpty()) {
                    waiting.remove(pump.key());
                }
            }
        }
    }

    void execute(Runnable r) {
        pumps.execute(r);
    }

    /** Runs {@code r} after {@code delayNanos} (for streams waiting for a buffer). */
    void schedule(Runnable r, long delayNanos) {
        try {
            timer.schedule(r, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // Closing: the stream is ended by close().
        }
    }

    /**
     * Frees every buffer of the query and deletes its spill files. Streams of it end with CANCELLED, producers
     * still running have their batches dropped, and later requests for it fail at once. Idempotent.
     */
    public void release(String queryId) {
        QueryBuffers q;
        List<StreamPump> wake = new ArrayList<>();
        synchronized (lock) {
            released.add(queryId);
            q = queries.remove(queryId);
            waiting.entrySet().removeIf(e -> {
                if (e.getKey().queryId().equals(queryId)) {
                    wake.addAll(e.getValue());
                    return true;
                }
                return false;
            });
        }
        wake.forEach(StreamPump::schedule);
        if (q != null) {
            for (OutputBuffer b : q.buffers().values()) {
                b.release();
            }
            try {
                q.allocator().close();
            } catch (RuntimeException e) {
                // Buffers still referenced outside this service: a bug, but not one to fail the release for.
                LOG.error("query {}: exchange buffers still allocated after release: {}", queryId, e.getMessage());
            }
        }
        deleteTree(queryDir(queryId));
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            LOG.warn("cannot delete exchange directory {}: {}", dir, e.getMessage());
        }
    }

    /** Per buffer of the query, in creation order; empty if the query has no buffers here. */
    public List<BufferStats> stats(String queryId) {
        List<OutputBuffer> buffers;
        synchronized (lock) {
            QueryBuffers q = queries.get(queryId);
            buffers = q == null ? List.of() : new ArrayList<>(q.buffers().values());
        }
        return buffers.stream().map(OutputBuffer::stats).toList();
    }

    /** Every buffer of every query not yet released. */
    public List<BufferStats> stats() {
        List<OutputBuffer> buffers = new ArrayList<>();
        synchronized (lock) {
            queries.values().forEach(q -> buffers.addAll(q.buffers().values()));
        }
        return buffers.stream().map(OutputBuffer::stats).toList();
    }

    /** Queries with buffers here. */
    public List<String> queries() {
        synchronized (lock) {
            return List.copyOf(queries.keySet());
        }
    }

    /** Bytes of retained output held in memory by this process. */
    public long retainedBytes() {
        return inMemoryBytes.get();
    }

    /** Bytes of retained output spilled to the work directory by this process. */
    public long spilledBytes() {
        return spilledBytes.get();
    }

    /** Streams currently being served. */
    public int activeStreams() {
        synchronized (lock) {
            return streams.size();
        }
    }

    void retained(long delta) {
        inMemoryBytes.addAndGet(delta);
    }

    void spilled(long delta) {
        spilledBytes.addAndGet(delta);
    }

    boolean overBudget() {
        return inMemoryBytes.get() > options.memoryBudgetBytes();
    }

    boolean isClosed() {
        synchronized (lock) {
            return closed;
        }
    }

    /**
     * Ends every stream (CANCELLED), releases every query and closes the allocator. Close the gRPC server that
     * hosts {@link #bindable} first.
     */
    @Override
    public void close() {
        List<String> ids;
        List<StreamPump> live;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            ids = new ArrayList<>(queries.keySet());
            live = new ArrayList<>(streams);
            waiting.values().forEach(live::addAll);
            waiting.clear();
        }
        ids.forEach(this::release);
        live.forEach(StreamPump::schedule);
        pumps.shutdown();
        timer.shutdownNow();
        try {
            if (!pumps.awaitTermination(10, TimeUnit.SECONDS)) {
                LOG.warn("exchange streams did not stop within 10 s");
                pumps.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            pumps.shutdownNow();
        }
        allocator.close();
    }
}
