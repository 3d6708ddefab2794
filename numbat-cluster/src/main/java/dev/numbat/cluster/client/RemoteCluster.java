package dev.numbat.cluster.client;

import dev.numbat.cluster.QueryChunks;
import dev.numbat.cluster.QueryRunner;
import dev.numbat.cluster.UserCode;
import dev.numbat.cluster.codec.PlanCodec;
import dev.numbat.cluster.proto.ClusterInfo;
import dev.numbat.cluster.proto.Empty;
import dev.numbat.cluster.proto.ExecutorList;
import dev.numbat.cluster.proto.ExecutorRef;
import dev.numbat.cluster.proto.Pong;
import dev.numbat.cluster.proto.QueryChunk;
import dev.numbat.cluster.proto.QueryHeader;
import dev.numbat.cluster.proto.QueryList;
import dev.numbat.cluster.proto.QueryRef;
import dev.numbat.cluster.proto.SchedulerServiceGrpc;
import dev.numbat.cluster.proto.SubmitQueryResponse;
import dev.numbat.cluster.proto.TagList;
import dev.numbat.cluster.security.ClusterSecurity;
import dev.numbat.cluster.security.StatusMapping;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import dev.numbat.runtime.RunningQuery;
import dev.numbat.runtime.TaskGraph;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A client's connection to a scheduler: submits task graphs as protobuf (with the jars of any user
 * operators), streams results over Arrow Flight, and offers the admin calls.
 */
public final class RemoteCluster implements QueryRunner {
    private final String host;
    private final int port;
    private final ManagedChannel channel;
    private final SchedulerServiceGrpc.SchedulerServiceBlockingStub stub;
    private final SchedulerServiceGrpc.SchedulerServiceStub asyncStub;
    private final FlightClient flight;
    private final BufferAllocator allocator;

    /** @param allocator where Flight buffers are read into; the caller owns it */
    public RemoteCluster(String host, int port, ClusterSecurity security, BufferAllocator allocator) {
        this.host = host;
        this.port = port;
        this.allocator = allocator;
        this.channel = security.channelBuilder(host, port).maxInboundMessageSize(16 << 20).build();
        this.stub = SchedulerServiceGrpc.newBlockingStub(channel);
        this.asyncStub = SchedulerServiceGrpc.newStub(channel);
        this.flight = security.flightClientBuilder(allocator, security.location(host, port)).build();
    }

    public String address() {
        return host + ":" + port;
    }

    private <T> T call(Supplier<T> rpc) {
        try {
            return rpc.get();
        } catch (StatusRuntimeException e) {
            throw translate(e);
        }
    }

    private NumbatException translate(StatusRuntimeException e) {
        if (e.getStatus().getCode() == io.grpc.Status.Code.UNAVAILABLE && e.getTrailers() != null
                && !e.getTrailers().containsKey(io.grpc.Metadata.Key.of(StatusMapping.TRAILER,
                        io.grpc.Metadata.BINARY_BYTE_MARSHALLER))) {
            return new NumbatException(ErrorCode.IO_ERROR, "cannot reach the scheduler at " + address() + ": "
                    + e.getStatus().getDescription(), e);
        }
        return StatusMapping.toException(e);
    }

    public ClusterInfo info() {
        return call(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).getClusterInfo(Empty.getDefaultInstance()));
    }

    public Pong ping() {
        return call(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).ping(Empty.getDefaultInstance()));
    }

    public ExecutorList executors() {
        return call(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).listExecutors(Empty.getDefaultInstance()));
    }

    public QueryList queries() {
        return call(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).listQueries(Empty.getDefaultInstance()));
    }

    public void cancel(String queryId) {
        call(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS).cancelQuery(QueryRef.newBuilder().setQueryId(queryId).build()));
    }

    public void killExecutor(String executorId) {
        call(() -> stub.withDeadlineAfter(30, TimeUnit.SECONDS)
                .killExecutor(ExecutorRef.newBuilder().setExecutorId(executorId).build()));
    }

    public void shutdownCluster() {
        call(() -> stub.withDeadlineAfter(30, TimeUnit.SECONDS).shutdown(Empty.getDefaultInstance()));
    }

    @Override
    public int defaultChannels() {
        return Math.max(1, info().getTotalSlots());
    }

    /** Submits the graph; nodes with placement tags run only on executors carrying all of them. */
    @Override
    public RunningQuery submit(TaskGraph graph, String description, BufferAllocator resultAllocator) {
        byte[] plan = PlanCodec.encode(graph);
        Map<String, byte[]> jars = UserCode.jarsOf(PlanCodec.userClasses(graph));
        QueryHeader.Builder header = QueryHeader.newBuilder().setDescription(description).addAllJarNames(jars.keySet());
        graph.placementTags().forEach((node, t) -> header.putNodeTags(node, TagList.newBuilder().addAllTags(t).build()));
        CompletableFuture<SubmitQueryResponse> response = new CompletableFuture<>();
        StreamObserver<QueryChunk> upload = asyncStub.withDeadlineAfter(120, TimeUnit.SECONDS)
                .submitQuery(new StreamObserver<>() {
                    @Override
                    public void onNext(SubmitQueryResponse value) {
                        response.complete(value);
                    }

                    @Override
                    public void onError(Throwable t) {
                        response.completeExceptionally(t);
                    }

                    @Override
                    public void onCompleted() {
                    }
                });
        QueryChunks.send(upload, header.build(), plan, jars);
        upload.onCompleted();
        SubmitQueryResponse r;
        try {
            r = response.get(120, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StatusRuntimeException sre) {
                throw translate(sre);
            }
            throw NumbatException.internal("submitting a query: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new NumbatException(ErrorCode.CANCELLED, "interrupted while submitting a query", e);
        } catch (TimeoutException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "the scheduler at " + address() + " did not answer", e);
        }
        String id = r.getQueryId();
        FlightStream stream = flight.getStream(new Ticket(r.getTicket().toByteArray()));
        Supplier<VectorSchemaRoot> next = () -> {
            try {
                if (!stream.next()) {
                    return null;
                }
                return Batches.copy(stream.getRoot(), resultAllocator);
            } catch (FlightRuntimeException e) {
                throw StatusMapping.toException(e);
            }
        };
        return new StreamedQuery(id, graph, next, () -> {
            try {
                cancel(id);
            } catch (RuntimeException ignored) {
                // the scheduler may be gone; closing the stream still releases our side
            }
        }, () -> {
            try {
                stream.close();
            } catch (Exception ignored) {
                // nothing more to release
            }
        }, () -> metrics(id));
    }

    /** Per-channel metrics of an ended query, as its executors reported them. */
    public List<dev.numbat.runtime.ChannelMetrics> metrics(String queryId) {
        List<dev.numbat.runtime.ChannelMetrics> out = new java.util.ArrayList<>();
        for (dev.numbat.cluster.proto.ChannelStats c : call(() -> stub.withDeadlineAfter(10, TimeUnit.SECONDS)
                .getQueryMetrics(QueryRef.newBuilder().setQueryId(queryId).build())).getChannelsList()) {
            out.add(new dev.numbat.runtime.ChannelMetrics(c.getNode(), c.getChannel(),
                    new java.util.HashMap<>(c.getCountersMap()), c.getPeakMemoryBytes(), c.getWallNanos()));
        }
        return out;
    }

    @Override
    public void close() {
        try {
            flight.close();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception ignored) {
            // closing
        }
        channel.shutdownNow();
        try {
            channel.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
