package dev.numbat.cluster.executor;

import dev.numbat.cluster.DaemonThreads;
import dev.numbat.cluster.QueryChunks;
import dev.numbat.cluster.UserCode;
import dev.numbat.cluster.WorkDirs;
import dev.numbat.cluster.proto.Pong;
import dev.numbat.cluster.codec.PlanCodec;
import dev.numbat.cluster.exchange.ClusterPlacement;
import dev.numbat.cluster.exchange.ExchangeOptions;
import dev.numbat.cluster.exchange.ExchangeService;
import dev.numbat.cluster.exchange.FlightClientCache;
import dev.numbat.cluster.proto.Ack;
import dev.numbat.cluster.proto.ChannelStats;
import dev.numbat.cluster.proto.Empty;
import dev.numbat.cluster.proto.ErrorInfo;
import dev.numbat.cluster.proto.ExecutorEndpoint;
import dev.numbat.cluster.proto.ExecutorServiceGrpc;
import dev.numbat.cluster.proto.HeartbeatRequest;
import dev.numbat.cluster.proto.HeartbeatResponse;
import dev.numbat.cluster.proto.NodePlacement;
import dev.numbat.cluster.proto.QueryChunk;
import dev.numbat.cluster.proto.QueryHeader;
import dev.numbat.cluster.proto.QueryPartReport;
import dev.numbat.cluster.proto.QueryRef;
import dev.numbat.cluster.proto.RegisterExecutorRequest;
import dev.numbat.cluster.proto.RegisterExecutorResponse;
import dev.numbat.cluster.proto.SchedulerServiceGrpc;
import dev.numbat.cluster.scheduler.ChannelPlacer;
import dev.numbat.cluster.security.StatusMapping;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Split;
import dev.numbat.runtime.ChannelMetrics;
import dev.numbat.runtime.Job;
import dev.numbat.runtime.LocalRuntime;
import dev.numbat.runtime.RuntimeOptions;
import dev.numbat.runtime.TaskGraph;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An executor process: registers with the scheduler and heartbeats, runs its share of each query's
 * channels on a {@link LocalRuntime} with {@code slots} threads, and serves their outputs over Arrow Flight
 * (one gRPC port for control and data). Outputs stay until the scheduler releases the query.
 */
public final class ExecutorNode implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ExecutorNode.class);

    private final ExecutorConfig config;
    private final BufferAllocator allocator = new RootAllocator();
    private final LocalRuntime runtime;
    private final ExchangeService exchange;
    private final FlightClientCache clients;
    private final ExecutorService rpcPool = Executors.newCachedThreadPool(DaemonThreads.named("numbat-executor-rpc"));
    private final ExecutorService feedPool = Executors.newCachedThreadPool(DaemonThreads.named("numbat-executor-feed"));
    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(
            DaemonThreads.named("numbat-executor-heartbeat"));
    private final Map<String, QueryPart> queries = new ConcurrentHashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Server server;
    private final ManagedChannel schedulerChannel;
    private final SchedulerServiceGrpc.SchedulerServiceBlockingStub scheduler;
    private volatile String id;
    private volatile boolean closed;

    /** One query's channels on this executor. */
    private record QueryPart(String queryId, Job job, URLClassLoader loader, Path dir, int channels) {
    }

    public ExecutorNode(ExecutorConfig config) {
        this.config = config;
        try {
            Files.createDirectories(config.workDir());
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot create work dir " + config.workDir(), e);
        }
        this.runtime = new LocalRuntime(RuntimeOptions.defaults().withThreads(config.slots()), allocator);
        this.exchange = new ExchangeService(allocator, config.workDir().resolve("exchange"),
                ExchangeOptions.defaults().withMemoryBudget(config.retainedMemoryBytes()));
        this.clients = FlightClientCache.secured(allocator, config.security());
        try {
            this.server = config.security().configure(FlightClientCache.permitKeepAlive(NettyServerBuilder.forAddress(
                            new InetSocketAddress(config.host(), config.port()))))
                    .addService(new Service())
                    .addService(exchange.bindable(rpcPool))
                    .executor(rpcPool)
                    .build()
                    .start();
        } catch (IOException e) {
            close();
            throw new NumbatException(ErrorCode.IO_ERROR, "executor cannot listen on " + config.host() + ":"
                    + config.port() + ": " + e.getMessage(), e);
        }
        this.schedulerChannel = config.security().channelBuilder(config.schedulerHost(), config.schedulerPort())
                .build();
        this.scheduler = SchedulerServiceGrpc.newBlockingStub(schedulerChannel);
    }

    /** Registers with the scheduler (retrying until it answers or {@code timeoutMillis} pass) and heartbeats. */
    public ExecutorNode start(long timeoutMillis) {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        RegisterExecutorResponse r;
        while (true) {
            try {
                r = register();
                break;
            } catch (RuntimeException e) {
                if (System.currentTimeMillis() > deadline) {
                    throw new NumbatException(ErrorCode.IO_ERROR, "cannot reach the scheduler at "
                            + config.schedulerHost() + ":" + config.schedulerPort() + ": " + e.getMessage(), e);
                }
                sleep(200);
            }
        }
        long interval = Math.max(50, r.getHeartbeatIntervalMillis());
        heartbeats.scheduleWithFixedDelay(this::heartbeat, interval, interval, TimeUnit.MILLISECONDS);
        return this;
    }

    private RegisterExecutorResponse register() {
        RegisterExecutorResponse r = scheduler.withDeadlineAfter(5, TimeUnit.SECONDS)
                .registerExecutor(RegisterExecutorRequest.newBuilder()
                        .setHost(config.host()).setPort(port()).setSlots(config.slots())
                        .addAllTags(config.tags())
                        .addAllDataRoots(config.dataRoots().stream().map(p -> p.toAbsolutePath().toString()).toList())
                        .setWorkDir(config.workDir().toString())
                        .setPid(ProcessHandle.current().pid())
                        .build());
        id = r.getExecutorId();
        LOG.info("executor {} registered at {}:{} with {} slots", id, config.host(), port(), config.slots());
        return r;
    }

    private void heartbeat() {
        try {
            int channels = 0;
            for (QueryPart q : queries.values()) {
                if (!q.job().isDone()) {
                    channels += q.channels();
                }
            }
            HeartbeatResponse r = scheduler.withDeadlineAfter(2, TimeUnit.SECONDS).heartbeat(HeartbeatRequest.newBuilder()
                    .setExecutorId(id)
                    .setRunningChannels(channels)
                    .setRunningQueries((int) queries.values().stream().filter(q -> !q.job().isDone()).count())
                    .setRetainedBytes(exchange.retainedBytes())
                    .setSpilledBytes(exchange.spilledBytes())
                    .build());
            if (!r.getKnown()) {
                // The scheduler restarted or gave up on us: our queries are gone; start afresh.
                queries.keySet().forEach(this::release);
                register();
            }
        } catch (RuntimeException e) {
            LOG.debug("heartbeat failed: {}", e.getMessage());
        }
    }

    public String id() {
        return id;
    }

    public int port() {
        return server.getPort();
    }

    /** Blocks until the executor is shut down (by the scheduler or {@link #close()}). */
    public void awaitTermination() throws InterruptedException {
        stopped.await();
    }

    private final class Service extends ExecutorServiceGrpc.ExecutorServiceImplBase {
        @Override
        public StreamObserver<QueryChunk> startQueryPart(StreamObserver<Ack> response) {
            return QueryChunks.receiver(chunks -> {
                try {
                    startPart(chunks.header(), chunks.plan(), chunks.jars());
                    response.onNext(Ack.getDefaultInstance());
                    response.onCompleted();
                } catch (Throwable t) {
                    response.onError(StatusMapping.toStatusException(t));
                }
            });
        }

        @Override
        public void ping(Empty request, StreamObserver<Pong> response) {
            response.onNext(Pong.newBuilder().setSchedulerId(String.valueOf(id)).build());
            response.onCompleted();
        }

        @Override
        public void cancelQuery(QueryRef request, StreamObserver<Ack> response) {
            QueryPart q = queries.get(request.getQueryId());
            if (q != null) {
                q.job().cancel();
            }
            response.onNext(Ack.getDefaultInstance());
            response.onCompleted();
        }

        @Override
        public void releaseQuery(QueryRef request, StreamObserver<Ack> response) {
            release(request.getQueryId());
            response.onNext(Ack.getDefaultInstance());
            response.onCompleted();
        }

        @Override
        public void shutdown(Empty request, StreamObserver<Ack> response) {
            response.onNext(Ack.getDefaultInstance());
            response.onCompleted();
            Thread t = new Thread(ExecutorNode.this::close, "numbat-executor-shutdown");
            t.start();
        }
    }

    private void startPart(QueryHeader header, byte[] plan, Map<String, byte[]> jars) {
        String queryId = header.getQueryId();
        if (queries.containsKey(queryId)) {
            throw NumbatException.internal("query " + queryId + " started twice on executor " + id, null);
        }
        long start = System.nanoTime();
        Path dir = config.workDir().resolve("queries").resolve(queryId);
        URLClassLoader loader = UserCode.loader(dir.resolve("jars"), jars);
        try {
            // Only an authenticated cluster ever forwards user code; an open one refuses it here as well.
            TaskGraph graph = PlanCodec.decode(plan, loader, config.security().token() != null);
            long decoded = System.nanoTime();
            Map<Integer, String[]> channels = new HashMap<>();
            List<List<String>> byNode = new java.util.ArrayList<>();
            for (NodePlacement p : header.getPlacementList()) {
                channels.put(p.getNode(), p.getExecutorOfChannelList().toArray(new String[0]));
            }
            for (TaskGraph.Node n : graph.nodes()) {
                String[] where = channels.get(n.id());
                if (where == null) {
                    throw NumbatException.internal("query " + queryId + " has no placement for node " + n.id(), null);
                }
                byNode.add(List.of(where));
            }
            checkDataRoots(graph, channels);
            Map<String, Location> locations = new HashMap<>();
            for (ExecutorEndpoint e : header.getExecutorsList()) {
                if (!e.getExecutorId().equals(id)) {
                    locations.put(e.getExecutorId(), config.security().location(e.getHost(), e.getPort()));
                }
            }
            ClusterPlacement placement = new ClusterPlacement(queryId, graph, byNode, locations, id, exchange, clients,
                    feedPool, failure -> { });
            Job job = runtime.submit(graph, allocator, placement);
            int local = 0;
            for (String[] where : channels.values()) {
                for (String e : where) {
                    local += id.equals(e) ? 1 : 0;
                }
            }
            queries.put(queryId, new QueryPart(queryId, job, loader, dir, local));
            rpcPool.execute(() -> awaitAndReport(queryId, job));
            LOG.debug("query {}: {} local channels started in {} ms (plan decoded in {} ms)", queryId, local,
                    (System.nanoTime() - start) / 1_000_000, (decoded - start) / 1_000_000);
        } catch (RuntimeException e) {
            closeQuietly(loader);
            WorkDirs.deleteTree(dir);
            throw e;
        }
    }

    /** Refuses to read files outside this executor's data roots (the scheduler places by them too). */
    private void checkDataRoots(TaskGraph graph, Map<Integer, String[]> channels) {
        if (config.dataRoots().isEmpty()) {
            return;
        }
        ChannelPlacer.Candidate self = new ChannelPlacer.Candidate(id, config.slots(), 0, config.tags(),
                config.dataRoots());
        for (TaskGraph.Node n : graph.nodes()) {
            if (!n.isSource()) {
                continue;
            }
            String[] where = channels.get(n.id());
            List<List<Split>> assigned = Job.assignSplits(n.source().splits(n.channels()), n.channels());
            for (int c = 0; c < n.channels(); c++) {
                if (where != null && !id.equals(where[c])) {
                    continue;
                }
                for (Split s : assigned.get(c)) {
                    for (String f : s.files()) {
                        if (!self.canRead(f)) {
                            throw NumbatException.userError("executor %s may not read %s: it is outside its data roots %s",
                                    id, f, config.dataRoots());
                        }
                    }
                }
            }
        }
    }

    private void awaitAndReport(String queryId, Job job) {
        QueryPartReport.Builder report = QueryPartReport.newBuilder().setQueryId(queryId).setExecutorId(id);
        try {
            job.await();
            report.setOk(true);
        } catch (Throwable t) {
            NumbatException e = t instanceof NumbatException ne ? ne : NumbatException.internal(String.valueOf(t), t);
            report.setOk(false).setError(ErrorInfo.newBuilder().setCode(e.code().name())
                    .setMessage(e.getMessage()));
        }
        List<List<ChannelMetrics>> metrics = job.channelMetrics();
        for (List<ChannelMetrics> node : metrics) {
            for (ChannelMetrics m : node) {
                report.addChannels(ChannelStats.newBuilder().setNode(m.node()).setChannel(m.channel())
                        .putAllCounters(m.counters()).setPeakMemoryBytes(m.peakMemoryBytes())
                        .setWallNanos(m.wallNanos()));
            }
        }
        try {
            scheduler.withDeadlineAfter(10, TimeUnit.SECONDS).reportQueryPart(report.build());
        } catch (RuntimeException e) {
            LOG.warn("could not report query {} to the scheduler: {}", queryId, e.getMessage());
        }
    }

    private void release(String queryId) {
        QueryPart q = queries.remove(queryId);
        if (q != null) {
            q.job().close();
            closeQuietly(q.loader());
            WorkDirs.deleteTree(q.dir());
        }
        exchange.release(queryId);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        heartbeats.shutdownNow();
        for (String q : List.copyOf(queries.keySet())) {
            try {
                release(q);
            } catch (RuntimeException e) {
                LOG.warn("releasing query {}: {}", q, e.getMessage());
            }
        }
        if (server != null) {
            server.shutdownNow();
        }
        if (schedulerChannel != null) {
            schedulerChannel.shutdownNow();
        }
        exchange.close();
        clients.close();
        runtime.close();
        feedPool.shutdownNow();
        rpcPool.shutdownNow();
        try {
            allocator.close();
        } catch (RuntimeException e) {
            LOG.warn("executor {} closed with buffers outstanding: {}", id, e.getMessage());
        }
        stopped.countDown();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NumbatException(ErrorCode.CANCELLED, "interrupted", e);
        }
    }

    private static void closeQuietly(URLClassLoader loader) {
        try {
            loader.close();
        } catch (IOException e) {
            LOG.debug("closing class loader: {}", e.getMessage());
        }
    }

}
