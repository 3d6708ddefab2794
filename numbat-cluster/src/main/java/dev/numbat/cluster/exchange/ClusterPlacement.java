package dev.numbat.cluster.exchange;

import dev.numbat.core.NumbatException;
import dev.numbat.runtime.JobPlacement;
import dev.numbat.runtime.RemoteInput;
import dev.numbat.runtime.RemoteSink;
import dev.numbat.runtime.TaskGraph;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import org.apache.arrow.flight.Location;

/**
 * One executor's share of a query on a cluster: the channels the scheduler put here run locally, outputs for
 * channels elsewhere go to this process's {@link ExchangeService} (and are served from there over Flight),
 * and inputs from channels elsewhere arrive through {@link FlightFeed}s from their executors. The output
 * node's results are always remote ({@link #resultsRemote()}): the scheduler pulls the
 * {@link JobPlacement#RESULT_EDGE} buffers with the same DoGet.
 *
 * <p>Use one instance per {@code LocalRuntime.submit}. When the job ends, feeds still running are closed and
 * {@code onEnded} hears the outcome (null on success), for the executor to report to the scheduler.
 */
public final class ClusterPlacement implements JobPlacement {
    private final String queryId;
    private final TaskGraph graph;
    private final List<List<String>> executorOfChannel;
    private final Map<String, Location> locations;
    private final String self;
    private final ExchangeService exchange;
    private final FlightClientCache clients;
    private final Executor feedPool;
    private final Consumer<Throwable> onEnded;
    private final List<FlightFeed> feeds = new ArrayList<>();
    private boolean ended;

    /**
     * @param executorOfChannel per node id, per channel: the id of the executor running it (what the
     *     scheduler's placement says; every process of the query gets the same)
     * @param locations where every executor other than {@code self} serves its outputs
     * @param self this executor's id
     * @param feedPool runs the feeds; it needs a thread per remote input stream (a cached pool)
     * @param onEnded told once when this process's part of the job ended; null on success
     */
    public ClusterPlacement(String queryId, TaskGraph graph, List<List<String>> executorOfChannel,
            Map<String, Location> locations, String self, ExchangeService exchange, FlightClientCache clients,
            Executor feedPool, Consumer<Throwable> onEnded) {
        this.queryId = Objects.requireNonNull(queryId, "queryId");
        this.graph = Objects.requireNonNull(graph, "graph");
        this.locations = Map.copyOf(locations);
        this.self = Objects.requireNonNull(self, "self");
        this.exchange = Objects.requireNonNull(exchange, "exchange");
        this.clients = Objects.requireNonNull(clients, "clients");
        this.feedPool = Objects.requireNonNull(feedPool, "feedPool");
        this.onEnded = Objects.requireNonNull(onEnded, "onEnded");
        if (executorOfChannel.size() != graph.nodes().size()) {
            throw NumbatException.internal("placement of query " + queryId + " covers " + executorOfChannel.size()
                    + " nodes, the graph has " + graph.nodes().size(), null);
        }
        List<List<String>> copy = new ArrayList<>();
        for (TaskGraph.Node n : graph.nodes()) {
            List<String> channels = List.copyOf(executorOfChannel.get(n.id()));
            if (channels.size() != n.channels()) {
                throw NumbatException.internal("placement of query " + queryId + " puts " + channels.size()
                        + " channels of node " + n.name() + ", which has " + n.channels(), null);
            }
            for (String e : channels) {
                if (!e.equals(self) && !this.locations.containsKey(e)) {
                    throw NumbatException.internal("query " + queryId + " places a channel on executor " + e
                            + ", whose location is unknown", null);
                }
            }
            copy.add(channels);
        }
        this.executorOfChannel = List.copyOf(copy);
    }

    public String queryId() {
        return queryId;
    }

    @Override
    public boolean isLocal(int node, int channel) {
        return self.equals(executorOfChannel.get(node).get(channel));
    }

    @Override
    public RemoteSink openSink(int edge, int producer, int consumer) {
        return exchange.outputBuffer(queryId, edge, producer, consumer);
    }

    @Override
    public void openFeed(int edge, int producer, int consumer, RemoteInput input) {
        int from = graph.edges().get(edge).from();
        Location location = locations.get(executorOfChannel.get(from).get(producer));
        BufferKey key = new BufferKey(queryId, edge, producer, consumer);
        FlightFeed feed = FlightFeed.start(clients, location, key.ticket(0), input, exchange.allocator(), feedPool);
        boolean close;
        synchronized (this) {
            close = ended;
            if (!close) {
                feeds.add(feed);
            }
        }
        if (close) {
            feed.close();
        }
    }

    @Override
    public boolean resultsRemote() {
        return true;
    }

    @Override
    public void jobEnded(Throwable failure) {
        List<FlightFeed> open;
        synchronized (this) {
            ended = true;
            open = new ArrayList<>(feeds);
            feeds.clear();
        }
        // On success every feed has finished already; after a failure the rest are cancelled.
        open.forEach(FlightFeed::close);
        onEnded.accept(failure);
    }

    /** Feeds opened and not yet closed by the end of the job (for tests and statistics). */
    public synchronized List<FlightFeed> feeds() {
        return List.copyOf(feeds);
    }
}
