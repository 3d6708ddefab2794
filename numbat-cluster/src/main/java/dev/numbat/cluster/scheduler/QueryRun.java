package dev.numbat.cluster.scheduler;

import dev.numbat.cluster.proto.ChannelStats;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.runtime.ChannelMetrics;
import dev.numbat.runtime.TaskGraph;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.types.pojo.Schema;

/** The scheduler's record of one query: where its channels run, which executors still work on it, its end. */
final class QueryRun {
    enum State { RUNNING, SUCCEEDED, FAILED, CANCELLED }

    final String id;
    final String description;
    final TaskGraph graph;
    final Map<Integer, String[]> placement;
    final Set<String> executors;
    final Schema resultSchema;
    final long startedEpochMillis = System.currentTimeMillis();
    final long startNanos = System.nanoTime();
    final AtomicLong resultRows = new AtomicLong();
    private final Set<String> pendingParts = ConcurrentHashMap.newKeySet();
    private final List<ChannelMetrics> metrics = new ArrayList<>();
    private State state = State.RUNNING;
    private NumbatException error;
    private long endNanos;
    private boolean resultsDone;
    private Runnable onEnd = () -> { };
    private boolean endHandled;

    QueryRun(String id, String description, TaskGraph graph, Map<Integer, String[]> placement, Set<String> executors,
            Schema resultSchema) {
        this.id = id;
        this.description = description;
        this.graph = graph;
        this.placement = placement;
        this.executors = Set.copyOf(executors);
        this.resultSchema = resultSchema;
        pendingParts.addAll(executors);
    }

    /** Runs {@code action} once when the query has ended (releasing its class loader, say). */
    synchronized void onEnd(Runnable action) {
        this.onEnd = action;
    }

    void ended() {
        Runnable r;
        synchronized (this) {
            if (endHandled) {
                return;
            }
            endHandled = true;
            r = onEnd;
        }
        r.run();
    }

    synchronized State state() {
        return state;
    }

    synchronized NumbatException error() {
        return error;
    }

    synchronized long durationMillis() {
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        return (end - startNanos) / 1_000_000;
    }

    /** Records the first failure; true if this call ended the query. */
    synchronized boolean fail(NumbatException e) {
        if (state != State.RUNNING) {
            return false;
        }
        state = e.code() == ErrorCode.CANCELLED ? State.CANCELLED : State.FAILED;
        error = e;
        endNanos = System.nanoTime();
        notifyAll();
        return true;
    }

    /** An executor finished its part; true if this ended the query (all parts done and results read). */
    synchronized boolean partDone(String executor, List<ChannelStats> stats) {
        for (ChannelStats s : stats) {
            metrics.add(new ChannelMetrics(s.getNode(), s.getChannel(), new HashMap<>(s.getCountersMap()),
                    s.getPeakMemoryBytes(), s.getWallNanos()));
        }
        pendingParts.remove(executor);
        notifyAll();
        return maybeSucceed();
    }

    /** The client read every result; true if this ended the query. */
    synchronized boolean resultsDone() {
        resultsDone = true;
        return maybeSucceed();
    }

    private boolean maybeSucceed() {
        if (state == State.RUNNING && resultsDone && pendingParts.isEmpty()) {
            state = State.SUCCEEDED;
            endNanos = System.nanoTime();
            notifyAll();
            return true;
        }
        return false;
    }

    /**
     * Waits until every executor has reported (or the query failed); throws the failure. Returns the
     * executors that still had not reported when {@code timeoutMillis} ran out (empty when all did).
     */
    synchronized Set<String> awaitParts(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (state == State.RUNNING && !pendingParts.isEmpty()) {
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
                break;
            }
            wait(left);
        }
        if (error != null) {
            throw new NumbatException(error.code(), error.getMessage(), error);
        }
        return Set.copyOf(pendingParts);
    }

    synchronized List<ChannelMetrics> metrics() {
        return List.copyOf(metrics);
    }

    boolean uses(String executor) {
        return executors.contains(executor);
    }
}
