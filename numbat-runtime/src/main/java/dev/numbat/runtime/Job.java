package dev.numbat.runtime;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Metrics;
import dev.numbat.core.source.Split;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One running task graph. Results stream through {@link #results()} while the job runs; {@link #await()}
 * waits for the end and throws the first failure. A failure anywhere cancels every channel; each channel
 * then releases its batches and allocator, so a finished job holds nothing.
 */
public final class Job implements RunningQuery {
    private final String id;
    private final TaskGraph graph;
    private final Executor executor;
    private final BufferAllocator allocator;
    private final List<ChannelTask> tasks = new ArrayList<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final CompletableFuture<Void> completion = new CompletableFuture<>();
    private final ResultQueue results;
    private final JobPlacement placement;
    private final List<Feed> feeds = new ArrayList<>();
    private final List<RemoteInbox> remoteInboxes = new ArrayList<>();
    private final long startNanos = System.nanoTime();
    private volatile boolean cancelled;
    private volatile long endNanos;

    Job(String id, TaskGraph graph, Executor executor, BufferAllocator parent, BufferAllocator resultAllocator,
            RuntimeOptions options, JobPlacement placement) {
        this.id = id;
        this.graph = graph;
        this.executor = executor;
        this.placement = placement;
        this.allocator = parent.newChildAllocator("job-" + id, 0, Long.MAX_VALUE);
        List<TaskGraph.Edge> edges = graph.edges();
        // Local channels only; slots of channels that run elsewhere stay null.
        ChannelTask[][] byNode = new ChannelTask[graph.nodes().size()][];
        try {
            for (TaskGraph.Node n : graph.nodes()) {
                byNode[n.id()] = new ChannelTask[n.channels()];
                for (int c = 0; c < n.channels(); c++) {
                    if (!placement.isLocal(n.id(), c)) {
                        continue;
                    }
                    BufferAllocator a = allocator.newChildAllocator(n.name() + "#" + n.id() + "/" + c, 0, Long.MAX_VALUE);
                    ChannelTask t = new ChannelTask(this, n, c, a);
                    byNode[n.id()][c] = t;
                    tasks.add(t);
                }
            }
            // Inputs: one queue per local consumer channel and input ordinal; remote producers feed it.
            InputQueue[][][] queues = new InputQueue[graph.nodes().size()][][];
            for (TaskGraph.Node n : graph.nodes()) {
                List<TaskGraph.Edge> in = graph.inputsOf(n.id());
                queues[n.id()] = new InputQueue[n.channels()][in.size()];
                for (ChannelTask t : byNode[n.id()]) {
                    if (t == null) {
                        continue;
                    }
                    t.inputs = new InputQueue[in.size()];
                    t.needsWhole = new boolean[in.size()];
                    for (TaskGraph.Edge e : in) {
                        int producers = graph.node(e.from()).channels();
                        InputQueue q = new InputQueue(t, t.allocator, options.channelCredit(), producers);
                        t.inputs[e.input()] = q;
                        t.needsWhole[e.input()] = e.needsWholeInput();
                        queues[n.id()][t.channel()][e.input()] = q;
                        for (int p = 0; p < producers; p++) {
                            if (!placement.isLocal(e.from(), p)) {
                                feeds.add(new Feed(edges.indexOf(e), p, t, q));
                            }
                        }
                    }
                }
            }
            boolean remoteResults = placement.resultsRemote();
            int outputChannels = graph.output() < 0 || remoteResults ? 0 : graph.node(graph.output()).channels();
            this.results = new ResultQueue(resultAllocator, Math.max(options.channelCredit(), outputChannels),
                    outputChannels);
            for (TaskGraph.Node n : graph.nodes()) {
                List<TaskGraph.Edge> out = graph.outputsOf(n.id());
                for (ChannelTask t : byNode[n.id()]) {
                    if (t == null) {
                        continue;
                    }
                    List<ChannelTask.Output> outputs = new ArrayList<>();
                    for (TaskGraph.Edge e : out) {
                        TaskGraph.Node to = graph.node(e.to());
                        Inbox[] consumers = new Inbox[to.channels()];
                        for (int c = 0; c < to.channels(); c++) {
                            consumers[c] = placement.isLocal(to.id(), c)
                                    ? queues[to.id()][c][e.input()]
                                    : remoteInbox(placement.openSink(edges.indexOf(e), t.channel(), c));
                        }
                        outputs.add(new ChannelTask.Output(consumers, e.partitioner().forProducer(t.channel())));
                    }
                    if (n.id() == graph.output()) {
                        Inbox target = remoteResults
                                ? remoteInbox(placement.openSink(JobPlacement.RESULT_EDGE, t.channel(), 0))
                                : results;
                        outputs.add(new ChannelTask.Output(new Inbox[] {target}, (b, count, o) -> o.sendAll(0)));
                    }
                    t.outputs = outputs.toArray(new ChannelTask.Output[0]);
                }
                if (n.isSource()) {
                    assignSplits(n, byNode[n.id()]);
                }
            }
        } catch (RuntimeException e) {
            for (RemoteInbox r : remoteInboxes) {
                r.sink.abort(e);
            }
            for (ChannelTask t : tasks) {
                t.allocator.close();
            }
            allocator.close();
            throw e;
        }
    }

    /** A remote producer's stream into a local consumer channel, opened when the job starts. */
    private record Feed(int edge, int producer, ChannelTask consumer, InputQueue queue) {
    }

    private RemoteInbox remoteInbox(RemoteSink sink) {
        RemoteInbox r = new RemoteInbox(sink);
        remoteInboxes.add(r);
        return r;
    }

    /** A consumer channel in another process, as a producer channel sees it. */
    static final class RemoteInbox implements Inbox {
        final RemoteSink sink;

        RemoteInbox(RemoteSink sink) {
            this.sink = sink;
        }

        @Override
        public boolean offer(Envelope envelope, ChannelTask producer) {
            return sink.offer(envelope.sequence(), envelope.batch(), producer::wake);
        }

        @Override
        public void producerDone() {
            sink.finish();
        }
    }

    /**
     * Balances splits over all the node's channels by size, keeping each channel's splits in source order; the
     * assignment depends only on the splits, so every process computes the same one. Local channels take theirs.
     */
    private static void assignSplits(TaskGraph.Node n, ChannelTask[] channels) {
        boolean any = false;
        for (ChannelTask t : channels) {
            any |= t != null;
        }
        if (!any) {
            return;
        }
        List<List<Split>> assigned = assignSplits(n.source().splits(n.channels()), n.channels());
        for (int c = 0; c < channels.length; c++) {
            if (channels[c] != null) {
                channels[c].splits = assigned.get(c);
            }
        }
    }

    /** The splits each of {@code channels} channels reads, balanced by size and kept in source order. */
    public static List<List<Split>> assignSplits(List<Split> splits, int channels) {
        long[] load = new long[channels];
        List<List<Split>> assigned = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            assigned.add(new ArrayList<>());
        }
        for (Split s : splits) {
            int best = 0;
            for (int c = 1; c < load.length; c++) {
                if (load[c] < load[best]) {
                    best = c;
                }
            }
            assigned.get(best).add(s);
            load[best] += Math.max(1, s.sizeBytes());
        }
        return assigned;
    }

    void start() {
        running.set(tasks.size());
        if (tasks.isEmpty()) {
            finishJob();
            return;
        }
        for (ChannelTask t : tasks) {
            t.wake();
        }
        for (Feed f : feeds) {
            placement.openFeed(f.edge(), f.producer(), f.consumer().channel(), new RemoteInput() {
                @Override
                public boolean put(long sequence, VectorSchemaRoot batch) throws InterruptedException {
                    return f.queue().put(new Envelope(f.producer(), sequence, batch));
                }

                @Override
                public void finish() {
                    f.queue().producerDone();
                }

                @Override
                public void fail(Throwable cause) {
                    Job.this.fail(f.consumer(), cause);
                }
            });
        }
    }

    void execute(ChannelTask task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            // The runtime is shutting down: release the channel here.
            fail(task, new NumbatException(ErrorCode.CANCELLED, "runtime closed while job " + id + " ran"));
            task.cleanUp();
        }
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public TaskGraph graph() {
        return graph;
    }

    boolean isCancelled() {
        return cancelled;
    }

    Throwable failure() {
        return failure.get();
    }

    /** Records the first failure, naming the channel it happened in, and cancels the job. */
    void fail(ChannelTask task, Throwable t) {
        NumbatException named;
        if (t instanceof NumbatException ne && ne.code() == ErrorCode.CANCELLED) {
            named = ne;
        } else {
            ErrorCode code = t instanceof NumbatException ne ? ne.code() : ErrorCode.OPERATOR_FAILED;
            String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
            named = new NumbatException(code, task.describe() + " failed: " + message, t);
        }
        if (failure.compareAndSet(null, named)) {
            cancelAll();
        }
    }

    /** Cancels the job; channels stop at their next step and release what they hold. */
    @Override
    public void cancel() {
        if (failure.compareAndSet(null, new NumbatException(ErrorCode.CANCELLED, "job " + id + " was cancelled"))) {
            cancelAll();
        }
    }

    private void cancelAll() {
        cancelled = true;
        results.fail(failure.get());
        for (ChannelTask t : tasks) {
            t.wake();
        }
    }

    void channelDone() {
        if (running.decrementAndGet() == 0) {
            finishJob();
        }
    }

    private void finishJob() {
        endNanos = System.nanoTime();
        try {
            allocator.close();
        } catch (Throwable t) {
            failure.compareAndSet(null, NumbatException.internal("job " + id + " leaked buffers", t));
        }
        Throwable f = failure.get();
        if (f != null) {
            // Producers cancelled mid-stream: their remote consumers must learn that no more batches come.
            for (RemoteInbox r : remoteInboxes) {
                try {
                    r.sink.abort(f);
                } catch (Throwable t) {
                    f.addSuppressed(t);
                }
            }
        }
        try {
            placement.jobEnded(f);
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
            f = failure.get();
        }
        if (f == null) {
            completion.complete(null);
        } else {
            results.fail(f);
            completion.completeExceptionally(f);
        }
    }

    /** Waits for the job to end; throws its failure (a {@link NumbatException}) if it failed. */
    @Override
    public void await() {
        try {
            completion.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancel();
            throw new NumbatException(ErrorCode.CANCELLED, "interrupted while waiting for job " + id, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
    }

    @Override
    public boolean isDone() {
        return completion.isDone();
    }

    /**
     * The output node's batches in arrival order, each owned by the caller (close it). The iterator ends
     * when the job has finished successfully and throws the job's failure otherwise.
     */
    @Override
    public Iterator<VectorSchemaRoot> results() {
        return new Iterator<>() {
            VectorSchemaRoot next;
            boolean end;

            @Override
            public boolean hasNext() {
                if (next == null && !end) {
                    try {
                        next = results.take();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        cancel();
                        throw new NumbatException(ErrorCode.CANCELLED, "interrupted reading results", e);
                    }
                    if (next == null) {
                        end = true;
                        await();
                    }
                }
                return next != null;
            }

            @Override
            public VectorSchemaRoot next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                VectorSchemaRoot b = next;
                next = null;
                return b;
            }
        };
    }

    /** Wall time from start to end (or to now while running), in milliseconds. */
    @Override
    public long elapsedMillis() {
        long end = endNanos == 0 ? System.nanoTime() : endNanos;
        return (end - startNanos) / 1_000_000;
    }

    /** Per node: counters summed over its channels (rows_in, rows_out, batches_in, busy_nanos, ...). */
    @Override
    public Map<String, Metrics> metrics() {
        Map<String, Metrics> out = new LinkedHashMap<>();
        for (ChannelTask t : tasks) {
            out.computeIfAbsent("#" + t.node().id() + " " + t.node().name(), k -> new Metrics()).addAll(t.metrics);
        }
        return out;
    }

    /**
     * Per node of the graph, in node order (index = node id): each channel's counters, peak memory and wall
     * time, in channel order. Final once the job has ended (also after {@link #close()}); while it runs, what
     * the channels did so far.
     */
    @Override
    public List<List<ChannelMetrics>> channelMetrics() {
        List<List<ChannelMetrics>> out = new ArrayList<>();
        graph.nodes().forEach(n -> out.add(new ArrayList<>(n.channels())));
        for (ChannelTask t : tasks) {
            out.get(t.node().id()).add(t.snapshot());
        }
        return out.stream().map(List::copyOf).toList();
    }

    /** Stops reading results and cancels the job if it is still running; waits until it released all. */
    @Override
    public void close() {
        results.close();
        if (!completion.isDone()) {
            cancel();
        }
        try {
            completion.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException e) {
            // Reported through await()/results(); closing only releases.
        }
    }

    static RuntimeException rethrow(Throwable t) {
        if (t instanceof NumbatException ne) {
            // A fresh exception keeps the caller's stack, the original stays as cause.
            return new NumbatException(ne.code(), ne.getMessage(), ne);
        }
        if (t instanceof RuntimeException re) {
            return re;
        }
        return NumbatException.internal(String.valueOf(t.getMessage()), t);
    }
}
