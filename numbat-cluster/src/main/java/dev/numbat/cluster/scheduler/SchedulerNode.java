package dev.numbat.cluster.scheduler;

import com.google.protobuf.ByteString;
import dev.numbat.cluster.GraphSchemas;
import dev.numbat.cluster.DaemonThreads;
import dev.numbat.cluster.QueryChunks;
import dev.numbat.cluster.QueryRunner;
import dev.numbat.cluster.UserCode;
import dev.numbat.cluster.WorkDirs;
import dev.numbat.cluster.client.StreamedQuery;
import dev.numbat.cluster.codec.PlanCodec;
import dev.numbat.cluster.exchange.FlightClientCache;
import dev.numbat.cluster.exchange.ResultsReader;
import dev.numbat.cluster.proto.Ack;
import dev.numbat.cluster.proto.ClusterInfo;
import dev.numbat.cluster.proto.Empty;
import dev.numbat.cluster.proto.ErrorInfo;
import dev.numbat.cluster.proto.ExecutorEndpoint;
import dev.numbat.cluster.proto.ExecutorList;
import dev.numbat.cluster.proto.ExecutorRef;
import dev.numbat.cluster.proto.ExecutorServiceGrpc;
import dev.numbat.cluster.proto.ExecutorStatus;
import dev.numbat.cluster.proto.HeartbeatRequest;
import dev.numbat.cluster.proto.HeartbeatResponse;
import dev.numbat.cluster.proto.NodePlacement;
import dev.numbat.cluster.proto.Pong;
import dev.numbat.cluster.proto.QueryChunk;
import dev.numbat.cluster.proto.QueryHeader;
import dev.numbat.cluster.proto.QueryList;
import dev.numbat.cluster.proto.QueryMetrics;
import dev.numbat.cluster.proto.QueryPartReport;
import dev.numbat.cluster.proto.QueryRef;
import dev.numbat.cluster.proto.QueryStatus;
import dev.numbat.cluster.proto.RegisterExecutorRequest;
import dev.numbat.cluster.proto.RegisterExecutorResponse;
import dev.numbat.cluster.proto.SchedulerServiceGrpc;
import dev.numbat.cluster.proto.SubmitQueryResponse;
import dev.numbat.cluster.proto.TagList;
import dev.numbat.cluster.security.StatusMapping;
import dev.numbat.cluster.state.StateStore;
import dev.numbat.cluster.state.StateStores;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.runtime.RunningQuery;
import dev.numbat.runtime.TaskGraph;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLClassLoader;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.auth.ServerAuthHandler;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The scheduler process: executors register and heartbeat; clients submit task graphs (as protobuf, in
 * chunks), which it places on executors by slots, tags and data locality, and whose results it streams back
 * over Arrow Flight on the same port as its gRPC services (and Flight SQL, when a backend is attached).
 * A silent executor is declared lost after {@link SchedulerConfig#executorTimeoutMillis()}; its queries fail
 * with EXECUTOR_LOST and every other executor releases what they held.
 */
public final class SchedulerNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SchedulerNode.class);
    /** Results tickets carry this prefix; any other ticket belongs to Flight SQL. */
    static final String TICKET_PREFIX = "numbat-query:";
    private static final int HISTORY = 100;

    private final SchedulerConfig config;
    private final String schedulerId = "scheduler-" + Long.toHexString(System.nanoTime() & 0xffffff);
    private final long startMillis = System.currentTimeMillis();
    private final BufferAllocator allocator = new RootAllocator();
    private final StateStore state;
    private final Map<String, ExecutorEntry> executors = new ConcurrentHashMap<>();
    private final Map<String, QueryRun> running = new ConcurrentHashMap<>();
    private final Deque<QueryRun> history = new ArrayDeque<>();
    private final AtomicLong executorIds = new AtomicLong();
    private final AtomicLong queryIds = new AtomicLong();
    private final ExecutorService pool = Executors.newCachedThreadPool(DaemonThreads.named("numbat-scheduler"));
    private final ScheduledExecutorService monitor = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("numbat-scheduler-monitor"));
    private final FlightClientCache clients;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final ResultsFlightProducer flight;
    private final Server server;
    private volatile boolean closed;

    /** What the scheduler knows of one executor. */
    static final class ExecutorEntry {
        final String id;
        final RegisterExecutorRequest registration;
        final ManagedChannel channel;
        volatile long lastHeartbeat = System.currentTimeMillis();
        volatile HeartbeatRequest stats = HeartbeatRequest.getDefaultInstance();
        final AtomicLong queriesRun = new AtomicLong();

        ExecutorEntry(String id, RegisterExecutorRequest registration, ManagedChannel channel) {
            this.id = id;
            this.registration = registration;
            this.channel = channel;
        }

        String address() {
            return registration.getHost() + ":" + registration.getPort();
        }
    }

    public SchedulerNode(SchedulerConfig config) {
        this.config = config;
        this.state = StateStores.open(config.state(), config.workDir());
        this.flight = new ResultsFlightProducer(this);
        this.clients = FlightClientCache.secured(allocator, config.security());
        try {
            this.server = config.security().configure(FlightClientCache.permitKeepAlive(NettyServerBuilder.forAddress(
                            new InetSocketAddress(config.host(), config.port()))))
                    .addService(new Service())
                    .addService(FlightGrpcUtils.createFlightService(allocator, flight, ServerAuthHandler.NO_OP, pool))
                    .executor(pool)
                    .maxInboundMessageSize(16 << 20)
                    .build()
                    .start();
        } catch (IOException e) {
            close();
            throw new NumbatException(ErrorCode.IO_ERROR, "scheduler cannot listen on " + config.host() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
        long check = Math.max(50, config.heartbeatIntervalMillis() / 2);
        monitor.scheduleWithFixedDelay(this::checkExecutors, check, check, TimeUnit.MILLISECONDS);
        LOG.info("scheduler {} listening on {}:{}", schedulerId, config.host(), port());
    }

    public int port() {
        return server.getPort();
    }

    public SchedulerConfig config() {
        return config;
    }

    /** Serves Flight SQL on the scheduler's port (any ticket that is not a Numbat results ticket). */
    public void attachFlightSql(FlightProducer sqlProducer) {
        flight.delegate(sqlProducer);
    }

    public BufferAllocator allocator() {
        return allocator;
    }

    /** Blocks until the scheduler is shut down. */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    // ---- executors

    RegisterExecutorResponse register(RegisterExecutorRequest r) {
        String id = "executor-" + executorIds.incrementAndGet();
        ManagedChannel channel = config.security().channelBuilder(r.getHost(), r.getPort()).build();
        executors.put(id, new ExecutorEntry(id, r, channel));
        state.put("executors/" + id, r.toByteArray());
        LOG.info("{} registered from {}:{} with {} slots, tags {}", id, r.getHost(), r.getPort(), r.getSlots(),
                r.getTagsList());
        return RegisterExecutorResponse.newBuilder().setExecutorId(id)
                .setHeartbeatIntervalMillis(config.heartbeatIntervalMillis()).build();
    }

    HeartbeatResponse heartbeat(HeartbeatRequest r) {
        ExecutorEntry e = executors.get(r.getExecutorId());
        if (e == null) {
            return HeartbeatResponse.newBuilder().setKnown(false).build();
        }
        e.lastHeartbeat = System.currentTimeMillis();
        e.stats = r;
        return HeartbeatResponse.newBuilder().setKnown(true).build();
    }

    private void checkExecutors() {
        long now = System.currentTimeMillis();
        for (ExecutorEntry e : List.copyOf(executors.values())) {
            long silent = now - e.lastHeartbeat;
            if (silent > config.executorTimeoutMillis()) {
                executorLost(e, String.format(java.util.Locale.ROOT, "no heartbeat for %.1f s", silent / 1000.0));
            }
        }
    }

    /** Forgets the executor and fails every query that had channels on it. */
    void executorLost(ExecutorEntry e, String why) {
        if (executors.remove(e.id) == null) {
            return;
        }
        state.delete("executors/" + e.id);
        LOG.warn("{} at {} lost: {}", e.id, e.address(), why);
        NumbatException lost = new NumbatException(ErrorCode.EXECUTOR_LOST,
                e.id + " at " + e.address() + " was lost (" + why + ")");
        for (QueryRun run : List.copyOf(running.values())) {
            if (run.uses(e.id)) {
                fail(run, lost);
            }
        }
        e.channel.shutdownNow();
    }

    List<ExecutorEntry> liveExecutors() {
        List<ExecutorEntry> out = new ArrayList<>(executors.values());
        out.sort((a, b) -> Long.compare(Long.parseLong(a.id.substring(9)), Long.parseLong(b.id.substring(9))));
        return out;
    }

    ClusterInfo clusterInfo() {
        int slots = 0;
        for (ExecutorEntry e : executors.values()) {
            slots += e.registration.getSlots();
        }
        return ClusterInfo.newBuilder().setSchedulerId(schedulerId).setExecutors(executors.size())
                .setTotalSlots(slots).setAuthRequired(config.security().token() != null)
                .setUserCodeAllowed(config.security().token() != null).build();
    }

    // ---- queries

    /** Decodes, places and starts a query on its executors; returns its run. */
    QueryRun submit(QueryHeader header, byte[] plan, Map<String, byte[]> jars) {
        boolean userCodeAllowed = config.security().token() != null;
        if (!jars.isEmpty() && !userCodeAllowed) {
            throw NumbatException.userError("this cluster accepts user operators only from authenticated clients:"
                    + " start the scheduler and executors with --auth-token-file");
        }
        String id = "q" + queryIds.incrementAndGet();
        Path jarDir = config.workDir().resolve("queries").resolve(id);
        // User classes stay loadable (schemas, placement) until the query ends.
        URLClassLoader loader = UserCode.loader(jarDir, jars);
        TaskGraph graph;
        try {
            graph = PlanCodec.decode(plan, loader, userCodeAllowed);
        } catch (RuntimeException | LinkageError e) {
            closeLoader(loader, jarDir);
            throw e;
        }
        Map<Integer, Set<String>> tags = new HashMap<>();
        header.getNodeTagsMap().forEach((node, list) -> tags.put(node, Set.copyOf(list.getTagsList())));
        List<ExecutorEntry> live = liveExecutors();
        // Channels of queries still running, counted here rather than from (lagging) heartbeats.
        Map<String, Integer> busy = new HashMap<>();
        for (QueryRun r : running.values()) {
            r.placement.values().forEach(where -> {
                for (String ex : where) {
                    busy.merge(ex, 1, Integer::sum);
                }
            });
        }
        List<ChannelPlacer.Candidate> candidates = new ArrayList<>();
        // Rotating the order spreads small queries over executors when loads tie.
        int rotation = live.isEmpty() ? 0 : (int) (queryIds.get() % live.size());
        live = new ArrayList<>(live);
        java.util.Collections.rotate(live, -rotation);
        for (ExecutorEntry e : live) {
            candidates.add(new ChannelPlacer.Candidate(e.id, e.registration.getSlots(), busy.getOrDefault(e.id, 0),
                    Set.copyOf(e.registration.getTagsList()),
                    e.registration.getDataRootsList().stream().map(Path::of).toList()));
        }
        Map<Integer, String[]> placement;
        Schema schema;
        try {
            placement = ChannelPlacer.place(graph, tags, candidates);
            schema = header.getResultSchema().isEmpty() ? GraphSchemas.output(graph)
                    : deserializeSchema(header.getResultSchema());
        } catch (RuntimeException | LinkageError e) {
            closeLoader(loader, jarDir);
            throw e;
        }
        Set<String> involved = new LinkedHashSet<>();
        placement.values().forEach(where -> involved.addAll(List.of(where)));
        QueryRun run = new QueryRun(id, header.getDescription(), graph, placement, involved, schema);
        run.onEnd(() -> closeLoader(loader, jarDir));
        running.put(id, run);

        QueryHeader.Builder forward = QueryHeader.newBuilder().setQueryId(id).setDescription(header.getDescription())
                .addAllJarNames(jars.keySet());
        placement.forEach((node, where) -> forward.addPlacement(NodePlacement.newBuilder().setNode(node)
                .addAllExecutorOfChannel(List.of(where))));
        for (ExecutorEntry e : live) {
            if (involved.contains(e.id)) {
                forward.addExecutors(ExecutorEndpoint.newBuilder().setExecutorId(e.id)
                        .setHost(e.registration.getHost()).setPort(e.registration.getPort()));
            }
        }
        header.getNodeTagsMap().forEach((k, v) -> forward.putNodeTags(k, TagList.newBuilder(v).build()));
        QueryHeader out = forward.build();
        List<CompletableFuture<Void>> starts = new ArrayList<>();
        for (ExecutorEntry e : live) {
            if (involved.contains(e.id)) {
                e.queriesRun.incrementAndGet();
                starts.add(startPart(e, out, plan, jars));
            }
        }
        try {
            CompletableFuture.allOf(starts.toArray(new CompletableFuture[0])).get(60, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            NumbatException cause = e.getCause() instanceof NumbatException ne ? ne
                    : new NumbatException(ErrorCode.INTERNAL, "starting query " + id + ": " + e.getCause(), e.getCause());
            fail(run, cause);
            throw new NumbatException(cause.code(), cause.getMessage(), cause);
        } catch (TimeoutException | InterruptedException e) {
            NumbatException cause = new NumbatException(ErrorCode.EXECUTOR_LOST, "executors did not start query " + id, e);
            fail(run, cause);
            throw cause;
        }
        LOG.info("query {} started on {}: {}", id, involved, header.getDescription());
        return run;
    }

    private CompletableFuture<Void> startPart(ExecutorEntry e, QueryHeader header, byte[] plan, Map<String, byte[]> jars) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        StreamObserver<QueryChunk> upload = ExecutorServiceGrpc.newStub(e.channel)
                .withDeadlineAfter(60, TimeUnit.SECONDS)
                .startQueryPart(new StreamObserver<>() {
                    @Override
                    public void onNext(Ack value) {
                    }

                    @Override
                    public void onError(Throwable t) {
                        NumbatException ne = t instanceof io.grpc.StatusRuntimeException sre
                                ? StatusMapping.toException(sre) : NumbatException.internal(String.valueOf(t), t);
                        if (ne.code() == ErrorCode.INTERNAL && t instanceof io.grpc.StatusRuntimeException sre
                                && sre.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE) {
                            ne = new NumbatException(ErrorCode.EXECUTOR_LOST, e.id + " at " + e.address()
                                    + " is unreachable: " + t.getMessage(), t);
                        }
                        done.completeExceptionally(ne);
                    }

                    @Override
                    public void onCompleted() {
                        done.complete(null);
                    }
                });
        try {
            QueryChunks.send(upload, header, plan, jars);
            upload.onCompleted();
        } catch (RuntimeException ex) {
            upload.onError(ex);
            done.completeExceptionally(ex);
        }
        return done;
    }

    void reportPart(QueryPartReport r) {
        QueryRun run = running.get(r.getQueryId());
        if (run == null) {
            return;
        }
        if (!r.getOk()) {
            ErrorInfo err = r.getError();
            ErrorCode code;
            try {
                code = ErrorCode.valueOf(err.getCode());
            } catch (IllegalArgumentException e) {
                code = ErrorCode.INTERNAL;
            }
            if (code == ErrorCode.EXECUTOR_LOST) {
                // A consumer lost its stream from another executor: find out now whether that one is gone.
                probeExecutors();
            }
            fail(run, new NumbatException(code, err.getMessage()));
            return;
        }
        if (run.partDone(r.getExecutorId(), r.getChannelsList())) {
            finish(run);
        }
    }

    /** Pings every executor briefly; one that does not answer is lost at once rather than at its timeout. */
    private void probeExecutors() {
        for (ExecutorEntry e : List.copyOf(executors.values())) {
            try {
                ExecutorServiceGrpc.newBlockingStub(e.channel).withDeadlineAfter(1, TimeUnit.SECONDS)
                        .ping(Empty.getDefaultInstance());
            } catch (io.grpc.StatusRuntimeException ex) {
                if (ex.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE
                        || ex.getStatus().getCode() == io.grpc.Status.Code.DEADLINE_EXCEEDED) {
                    executorLost(e, "it does not answer: " + ex.getStatus().getCode());
                }
            }
        }
    }

    void fail(QueryRun run, NumbatException e) {
        if (!run.fail(e)) {
            return;
        }
        LOG.info("query {} ended: {}", run.id, e.getMessage());
        for (String ex : run.executors) {
            ExecutorEntry entry = executors.get(ex);
            if (entry != null) {
                pool.execute(() -> {
                    try {
                        ExecutorServiceGrpc.newBlockingStub(entry.channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                                .cancelQuery(QueryRef.newBuilder().setQueryId(run.id).build());
                    } catch (RuntimeException ignored) {
                        // a dead executor has nothing left to cancel
                    }
                });
            }
        }
        end(run);
    }

    private void finish(QueryRun run) {
        LOG.info("query {} succeeded in {} ms", run.id, run.durationMillis());
        end(run);
    }

    private static void closeLoader(URLClassLoader loader, Path dir) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debug("closing a query's class loader: {}", e.getMessage());
        }
        WorkDirs.deleteTree(dir);
    }

    /** Releases the query's outputs on every executor and moves it to the history. */
    private void end(QueryRun run) {
        running.remove(run.id);
        run.ended();
        synchronized (history) {
            history.addFirst(run);
            while (history.size() > HISTORY) {
                history.removeLast();
            }
        }
        for (String ex : run.executors) {
            ExecutorEntry entry = executors.get(ex);
            if (entry != null) {
                pool.execute(() -> {
                    try {
                        ExecutorServiceGrpc.newBlockingStub(entry.channel).withDeadlineAfter(10, TimeUnit.SECONDS)
                                .releaseQuery(QueryRef.newBuilder().setQueryId(run.id).build());
                    } catch (RuntimeException ignored) {
                        // a dead executor holds nothing
                    }
                });
            }
        }
    }

    void cancel(String queryId) {
        QueryRun run = running.get(queryId);
        if (run != null) {
            fail(run, new NumbatException(ErrorCode.CANCELLED, "query " + queryId + " was cancelled"));
        }
    }

    QueryRun run(String queryId) {
        QueryRun run = running.get(queryId);
        if (run != null) {
            return run;
        }
        synchronized (history) {
            for (QueryRun r : history) {
                if (r.id.equals(queryId)) {
                    return r;
                }
            }
        }
        return null;
    }

    /**
     * Reads a query's results from the executors running its output channels. The stream ends once every
     * executor has reported its part done; it throws the query's failure, whichever side saw it first.
     */
    ResultStream results(QueryRun run, BufferAllocator into) {
        String[] outputs = run.graph.output() < 0 ? new String[0] : run.placement.get(run.graph.output());
        List<Location> locations = new ArrayList<>();
        for (String ex : outputs) {
            ExecutorEntry e = executors.get(ex);
            if (e == null) {
                throw new NumbatException(ErrorCode.EXECUTOR_LOST, ex + " was lost before query " + run.id + " ended");
            }
            locations.add(config.security().location(e.registration.getHost(), e.registration.getPort()));
        }
        ResultsReader reader = new ResultsReader(run.id, locations, clients, into, pool, 8);
        return new ResultStream(run, reader);
    }

    /** One consumer of a query's results; next() returns null at the end and throws the query's failure. */
    final class ResultStream implements AutoCloseable {
        private final QueryRun run;
        private final ResultsReader reader;
        private boolean done;

        ResultStream(QueryRun run, ResultsReader reader) {
            this.run = run;
            this.reader = reader;
        }

        Schema schema() {
            return run.resultSchema;
        }

        VectorSchemaRoot next() {
            if (done) {
                return null;
            }
            VectorSchemaRoot b;
            try {
                b = reader.hasNext() ? reader.next() : null;
            } catch (RuntimeException e) {
                done = true;
                NumbatException first = run.error();
                if (first == null) {
                    NumbatException ne = e instanceof NumbatException x ? x : NumbatException.internal(e.getMessage(), e);
                    if (ne.code() == ErrorCode.EXECUTOR_LOST) {
                        probeExecutors();
                    }
                    fail(run, ne);
                    first = run.error();
                }
                throw new NumbatException(first.code(), first.getMessage(), first);
            }
            if (b != null) {
                run.resultRows.addAndGet(b.getRowCount());
                return b;
            }
            done = true;
            Set<String> silent;
            try {
                silent = run.awaitParts(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                cancel(run.id);
                throw new NumbatException(ErrorCode.CANCELLED, "interrupted", e);
            }
            if (!silent.isEmpty()) {
                // Every result arrived, but an executor never said its part ended: do not call it a success.
                fail(run, new NumbatException(ErrorCode.EXECUTOR_LOST, "executors " + silent
                        + " did not report the end of their part of query " + run.id));
                NumbatException e = run.error();
                throw new NumbatException(e.code(), e.getMessage(), e);
            }
            if (run.resultsDone()) {
                finish(run);
            }
            return null;
        }

        @Override
        public void close() {
            reader.close();
            if (!done) {
                cancel(run.id);
            }
        }
    }

    /** A runner for this process: queries submitted here skip the network on their way to the scheduler. */
    public QueryRunner runner() {
        return new QueryRunner() {
            @Override
            public int defaultChannels() {
                return Math.max(1, clusterInfo().getTotalSlots());
            }

            @Override
            public RunningQuery submit(TaskGraph graph, String description, BufferAllocator resultAllocator) {
                QueryHeader.Builder header = QueryHeader.newBuilder().setDescription(description);
                graph.placementTags().forEach((node, t) -> header.putNodeTags(node,
                        TagList.newBuilder().addAllTags(t).build()));
                QueryRun run = SchedulerNode.this.submit(header.build(), PlanCodec.encode(graph),
                        UserCode.jarsOf(PlanCodec.userClasses(graph)));
                ResultStream stream = results(run, allocator);
                boolean sameRoot = resultAllocator.getRoot() == allocator.getRoot();
                java.util.function.Supplier<VectorSchemaRoot> next = () -> {
                    VectorSchemaRoot b = stream.next();
                    if (b == null) {
                        return null;
                    }
                    if (sameRoot) {
                        return dev.numbat.core.batch.Batches.transfer(b, resultAllocator);
                    }
                    // Buffers cannot move between allocator roots: copy the rows over.
                    try (b) {
                        int[] rows = new int[b.getRowCount()];
                        for (int i = 0; i < rows.length; i++) {
                            rows[i] = i;
                        }
                        return dev.numbat.core.batch.Batches.gather(b, rows, rows.length, resultAllocator);
                    }
                };
                return new StreamedQuery(run.id, graph, next, () -> cancel(run.id), stream::close, run::metrics);
            }

            @Override
            public void close() {
            }
        };
    }

    // ---- admin

    ExecutorList executorList() {
        ExecutorList.Builder out = ExecutorList.newBuilder();
        long now = System.currentTimeMillis();
        for (ExecutorEntry e : liveExecutors()) {
            HeartbeatRequest s = e.stats;
            out.addExecutors(ExecutorStatus.newBuilder().setExecutorId(e.id).setHost(e.registration.getHost())
                    .setPort(e.registration.getPort()).setSlots(e.registration.getSlots())
                    .addAllTags(e.registration.getTagsList()).setState("alive")
                    .setMillisSinceHeartbeat(now - e.lastHeartbeat).setRunningChannels(s.getRunningChannels())
                    .setRunningQueries(s.getRunningQueries()).setRetainedBytes(s.getRetainedBytes())
                    .setSpilledBytes(s.getSpilledBytes()).setQueriesRun(e.queriesRun.get()));
        }
        return out.build();
    }

    QueryList queryList() {
        QueryList.Builder out = QueryList.newBuilder();
        List<QueryRun> all = new ArrayList<>(running.values());
        synchronized (history) {
            all.addAll(history);
        }
        all.sort((a, b) -> Long.compare(b.startNanos, a.startNanos));
        for (QueryRun r : all) {
            QueryStatus.Builder q = QueryStatus.newBuilder().setQueryId(r.id).setDescription(r.description)
                    .setState(r.state().name().toLowerCase(java.util.Locale.ROOT))
                    .setStartedEpochMillis(r.startedEpochMillis).setDurationMillis(r.durationMillis())
                    .addAllExecutors(r.executors).setResultRows(r.resultRows.get());
            NumbatException e = r.error();
            if (e != null) {
                q.setError(ErrorInfo.newBuilder().setCode(e.code().name()).setMessage(e.getMessage()));
            }
            out.addQueries(q);
        }
        return out.build();
    }

    void killExecutor(String id) {
        ExecutorEntry e = executors.get(id);
        if (e == null) {
            throw NumbatException.userError("no executor %s (see `numbat admin executors`)", id);
        }
        try {
            ExecutorServiceGrpc.newBlockingStub(e.channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                    .shutdown(Empty.getDefaultInstance());
        } catch (RuntimeException ignored) {
            // already gone: forgetting it is all that is left
        }
        executorLost(e, "killed by an administrator");
    }

    /** Stops every executor, then the scheduler. */
    void shutdownCluster() {
        for (ExecutorEntry e : List.copyOf(executors.values())) {
            try {
                ExecutorServiceGrpc.newBlockingStub(e.channel).withDeadlineAfter(5, TimeUnit.SECONDS)
                        .shutdown(Empty.getDefaultInstance());
            } catch (RuntimeException ignored) {
                // best effort
            }
        }
        new Thread(this::close, "numbat-scheduler-shutdown").start();
    }

    private final class Service extends SchedulerServiceGrpc.SchedulerServiceImplBase {
        @Override
        public void registerExecutor(RegisterExecutorRequest request, StreamObserver<RegisterExecutorResponse> out) {
            reply(out, () -> register(request));
        }

        @Override
        public void heartbeat(HeartbeatRequest request, StreamObserver<HeartbeatResponse> out) {
            reply(out, () -> SchedulerNode.this.heartbeat(request));
        }

        @Override
        public void reportQueryPart(QueryPartReport request, StreamObserver<Ack> out) {
            reply(out, () -> {
                reportPart(request);
                return Ack.getDefaultInstance();
            });
        }

        @Override
        public void getClusterInfo(Empty request, StreamObserver<ClusterInfo> out) {
            reply(out, SchedulerNode.this::clusterInfo);
        }

        @Override
        public StreamObserver<QueryChunk> submitQuery(StreamObserver<SubmitQueryResponse> out) {
            return QueryChunks.receiver(chunks -> reply(out, () -> {
                QueryRun run = submit(chunks.header(), chunks.plan(), chunks.jars());
                SubmitQueryResponse.Builder r = SubmitQueryResponse.newBuilder().setQueryId(run.id)
                        .setTicket(ByteString.copyFrom(TICKET_PREFIX + run.id, StandardCharsets.UTF_8));
                if (run.resultSchema != null) {
                    r.setSchema(ByteString.copyFrom(serializeSchema(run.resultSchema)));
                }
                return r.build();
            }));
        }

        @Override
        public void cancelQuery(QueryRef request, StreamObserver<Ack> out) {
            reply(out, () -> {
                cancel(request.getQueryId());
                return Ack.getDefaultInstance();
            });
        }

        @Override
        public void getQueryMetrics(QueryRef request, StreamObserver<QueryMetrics> out) {
            reply(out, () -> {
                QueryRun run = run(request.getQueryId());
                QueryMetrics.Builder m = QueryMetrics.newBuilder();
                if (run != null) {
                    for (dev.numbat.runtime.ChannelMetrics c : run.metrics()) {
                        m.addChannels(dev.numbat.cluster.proto.ChannelStats.newBuilder().setNode(c.node())
                                .setChannel(c.channel()).putAllCounters(c.counters())
                                .setPeakMemoryBytes(c.peakMemoryBytes()).setWallNanos(c.wallNanos()));
                    }
                }
                return m.build();
            });
        }

        @Override
        public void ping(Empty request, StreamObserver<Pong> out) {
            reply(out, () -> Pong.newBuilder().setSchedulerId(schedulerId)
                    .setUptimeMillis(System.currentTimeMillis() - startMillis).build());
        }

        @Override
        public void listExecutors(Empty request, StreamObserver<ExecutorList> out) {
            reply(out, SchedulerNode.this::executorList);
        }

        @Override
        public void listQueries(Empty request, StreamObserver<QueryList> out) {
            reply(out, SchedulerNode.this::queryList);
        }

        @Override
        public void killExecutor(ExecutorRef request, StreamObserver<Ack> out) {
            reply(out, () -> {
                SchedulerNode.this.killExecutor(request.getExecutorId());
                return Ack.getDefaultInstance();
            });
        }

        @Override
        public void shutdown(Empty request, StreamObserver<Ack> out) {
            reply(out, () -> {
                shutdownCluster();
                return Ack.getDefaultInstance();
            });
        }
    }

    private static <T> void reply(StreamObserver<T> out, java.util.function.Supplier<T> body) {
        T value;
        try {
            value = body.get();
        } catch (Throwable t) {
            out.onError(StatusMapping.toStatusException(t));
            return;
        }
        out.onNext(value);
        out.onCompleted();
    }

    static byte[] serializeSchema(Schema schema) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            MessageSerializer.serialize(new WriteChannel(Channels.newChannel(bytes)), schema);
            return bytes.toByteArray();
        } catch (IOException e) {
            throw NumbatException.internal("serializing a schema", e);
        }
    }

    static Schema deserializeSchema(ByteString bytes) {
        try {
            return MessageSerializer.deserializeSchema(new org.apache.arrow.vector.ipc.ReadChannel(
                    Channels.newChannel(bytes.newInput())));
        } catch (IOException e) {
            throw NumbatException.userError("bad result schema: %s", e.getMessage());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (QueryRun run : List.copyOf(running.values())) {
            fail(run, new NumbatException(ErrorCode.CANCELLED, "the scheduler shut down"));
        }
        monitor.shutdownNow();
        if (server != null) {
            server.shutdownNow();
            try {
                server.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (ExecutorEntry e : executors.values()) {
            e.channel.shutdownNow();
        }
        clients.close();
        pool.shutdownNow();
        try {
            state.close();
        } catch (RuntimeException e) {
            LOG.debug("closing state store: {}", e.getMessage());
        }
        try {
            allocator.close();
        } catch (RuntimeException e) {
            LOG.warn("scheduler closed with buffers outstanding: {}", e.getMessage());
        }
        stopped.countDown();
    }
}
