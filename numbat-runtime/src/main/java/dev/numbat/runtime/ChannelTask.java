package dev.numbat.runtime;

import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Metrics;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.partition.PartitionOutput;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * One channel: a cooperative task on the runtime's thread pool. Each run does work while it has input and
 * output credit, for at most a time slice, then yields the thread. It never blocks: without input it goes
 * idle until a producer wakes it; without credit it parks its output in an outbox until a consumer wakes it.
 * All state below is touched only by the thread currently running the task (runs never overlap).
 */
final class ChannelTask implements Runnable, OperatorContext, Emitter {
    private static final int IDLE = 0;
    private static final int SCHEDULED = 1;
    private static final int RUNNING = 2;
    private static final int RUN_AGAIN = 3;
    private static final long SLICE_NANOS = 5_000_000;

    private final Job job;
    private final TaskGraph.Node node;
    private final int channel;
    private final AtomicInteger schedule = new AtomicInteger(IDLE);
    final BufferAllocator allocator;
    final Metrics metrics = new Metrics();

    // Inputs (operators): one queue per input ordinal; inputs needed whole come first.
    InputQueue[] inputs = new InputQueue[0];
    boolean[] needsWhole = new boolean[0];
    private boolean[] finishCalled;

    // Source state.
    List<Split> splits = List.of();
    private int nextSplit;
    private SplitReader reader;

    // Outputs: per edge the consumers' inboxes and this producer's partitioner instance.
    Output[] outputs = new Output[0];
    private final ArrayDeque<Pending> outbox = new ArrayDeque<>();

    private Operator operator;
    private boolean opened;
    private boolean finished;
    private boolean done;
    private long busyNanos;
    // For the job's profile: written by the running thread, read by whoever asks for channelMetrics().
    private volatile long firstRunNanos;
    private volatile long endNanos;
    private volatile long peakMemoryBytes = -1;

    ChannelTask(Job job, TaskGraph.Node node, int channel, BufferAllocator allocator) {
        this.job = job;
        this.node = node;
        this.channel = channel;
        this.allocator = allocator;
    }

    /** An output edge as seen by this producer. */
    static final class Output {
        final Inbox[] consumers;
        final Partitioner partitioner;
        long sequence;

        Output(Inbox[] consumers, Partitioner partitioner) {
            this.consumers = consumers;
            this.partitioner = partitioner;
        }
    }

    private record Pending(Inbox target, Envelope envelope) {
    }

    /** Makes sure the task runs soon; safe from any thread, cheap if it is already scheduled or running. */
    void wake() {
        while (true) {
            int s = schedule.get();
            if (s == IDLE) {
                if (schedule.compareAndSet(IDLE, SCHEDULED)) {
                    job.execute(this);
                    return;
                }
            } else if (s == RUNNING) {
                if (schedule.compareAndSet(RUNNING, RUN_AGAIN)) {
                    return;
                }
            } else {
                return;
            }
        }
    }

    @Override
    public void run() {
        schedule.set(RUNNING);
        boolean again = false;
        long start = System.nanoTime();
        if (firstRunNanos == 0) {
            firstRunNanos = start;
        }
        try {
            again = step(start);
        } catch (Throwable t) {
            job.fail(this, t);
        }
        busyNanos += System.nanoTime() - start;
        if (!done && job.isCancelled()) {
            try {
                cleanUp();
            } catch (Throwable t) {
                job.fail(this, t);
            }
        }
        if (done) {
            schedule.set(IDLE);
            return;
        }
        if (again || !schedule.compareAndSet(RUNNING, IDLE)) {
            schedule.set(SCHEDULED);
            job.execute(this);
        }
    }

    /** Does work until blocked, finished or out of time; returns true if it should run again at once. */
    private boolean step(long start) throws Exception {
        if (done || job.isCancelled()) {
            return false;
        }
        if (!opened) {
            opened = true;
            if (!node.isSource()) {
                operator = node.factory().create(channel);
                finishCalled = new boolean[inputs.length];
                operator.open(this);
            }
        }
        while (true) {
            if (!flush()) {
                return false;
            }
            if (finished) {
                for (Output o : outputs) {
                    for (Inbox inbox : o.consumers) {
                        inbox.producerDone();
                    }
                }
                complete();
                return false;
            }
            boolean progressed = node.isSource() ? readSource() : consumeInput();
            if (!progressed) {
                return false;
            }
            if (job.isCancelled()) {
                return false;
            }
            if (System.nanoTime() - start > SLICE_NANOS) {
                return true;
            }
        }
    }

    private boolean readSource() {
        if (reader == null) {
            if (nextSplit >= splits.size()) {
                finished = true;
                return true;
            }
            reader = node.source().open(splits.get(nextSplit++), allocator);
        }
        VectorSchemaRoot batch = reader.next();
        if (batch == null) {
            metrics.add("rows_skipped", reader.rowsSkipped());
            reader.close();
            reader = null;
            metrics.add("splits", 1);
            return true;
        }
        metrics.add("rows_in", batch.getRowCount());
        emit(batch);
        return true;
    }

    private boolean consumeInput() throws Exception {
        boolean wholeInputsPending = false;
        for (int i = 0; i < inputs.length; i++) {
            if (needsWhole[i] && !finishCalled[i]) {
                wholeInputsPending = true;
            }
        }
        for (int i = 0; i < inputs.length; i++) {
            if (finishCalled[i] || (wholeInputsPending && !needsWhole[i])) {
                continue;
            }
            Envelope e = inputs[i].poll();
            if (e != null) {
                metrics.add("rows_in", e.batch().getRowCount());
                metrics.add("batches_in", 1);
                operator.process(i, e.batch(), this);
                return true;
            }
            if (inputs[i].isFinished()) {
                finishCalled[i] = true;
                operator.finish(i, this);
                boolean all = true;
                for (boolean f : finishCalled) {
                    all &= f;
                }
                finished = all;
                return true;
            }
        }
        return false;
    }

    /** Emitter: partitions the batch over every output edge into the outbox. */
    @Override
    public void emit(VectorSchemaRoot batch) {
        if (batch.getRowCount() == 0 || outputs.length == 0) {
            batch.close();
            return;
        }
        metrics.add("rows_out", batch.getRowCount());
        metrics.add("batches_out", 1);
        try {
            for (Output o : outputs) {
                RoutedBatch routed = new RoutedBatch(o, batch);
                o.partitioner.partition(batch, o.consumers.length, routed);
                o.sequence++;
            }
        } finally {
            batch.close();
        }
    }

    /** Sends parked output; false if some consumer has no credit (it will wake this task). */
    private boolean flush() {
        while (!outbox.isEmpty()) {
            Pending p = outbox.peek();
            if (!p.target().offer(p.envelope(), this)) {
                return false;
            }
            outbox.poll();
        }
        return true;
    }

    /** The {@link PartitionOutput} for one batch on one edge; pieces go to the outbox in call order. */
    private final class RoutedBatch implements PartitionOutput {
        private final Output output;
        private final VectorSchemaRoot batch;

        RoutedBatch(Output output, VectorSchemaRoot batch) {
            this.output = output;
            this.batch = batch;
        }

        @Override
        public int producerChannel() {
            return channel;
        }

        private void park(int consumer, VectorSchemaRoot piece) {
            if (consumer < 0 || consumer >= output.consumers.length) {
                piece.close();
                throw NumbatException.userError("partitioner %s sent rows to channel %d of %d",
                        output.partitioner.describe(), consumer, output.consumers.length);
            }
            outbox.add(new Pending(output.consumers[consumer], new Envelope(channel, output.sequence, piece)));
        }

        @Override
        public void sendAll(int consumer) {
            park(consumer, Batches.copy(batch, allocator));
        }

        @Override
        public void sendSlice(int consumer, int offset, int length) {
            if (length > 0) {
                park(consumer, Batches.slice(batch, offset, length, allocator));
            }
        }

        @Override
        public void sendRows(int consumer, int[] rows, int count) {
            if (count > 0) {
                park(consumer, Batches.gather(batch, rows, count, allocator));
            }
        }

        @Override
        public void sendByTarget(int[] targets, int rowCount) {
            int n = output.consumers.length;
            int[] counts = new int[n];
            for (int i = 0; i < rowCount; i++) {
                counts[targets[i]]++;
            }
            for (int c = 0; c < n; c++) {
                if (counts[c] == rowCount) {
                    sendAll(c);
                    return;
                }
            }
            int[][] rows = new int[n][];
            for (int c = 0; c < n; c++) {
                rows[c] = new int[counts[c]];
            }
            int[] fill = new int[n];
            for (int i = 0; i < rowCount; i++) {
                int c = targets[i];
                rows[c][fill[c]++] = i;
            }
            for (int c = 0; c < n; c++) {
                sendRows(c, rows[c], counts[c]);
            }
        }
    }

    private void complete() {
        done = true;
        try {
            closeQuietly(null);
        } finally {
            job.channelDone();
        }
    }

    /** Releases everything this channel holds after a failure or cancellation. */
    void cleanUp() {
        if (done) {
            return;
        }
        done = true;
        try {
            closeQuietly(job.failure());
        } finally {
            // Whatever went wrong while releasing, the job must learn that this channel is over.
            job.channelDone();
        }
    }

    private void closeQuietly(Throwable failure) {
        Throwable first = null;
        try {
            for (Pending p : outbox) {
                p.envelope().batch().close();
            }
            outbox.clear();
            for (InputQueue q : inputs) {
                q.close();
            }
        } catch (Throwable t) {
            first = t;
        }
        if (reader != null) {
            try {
                reader.close();
            } catch (Throwable t) {
                first = t;
            }
            reader = null;
        }
        if (operator != null) {
            try {
                operator.close();
            } catch (Throwable t) {
                first = first == null ? t : first;
            }
        }
        long peak = allocator.getPeakMemoryAllocation();
        endNanos = System.nanoTime();
        try {
            allocator.close();
        } catch (Throwable t) {
            // Outstanding buffers: a leak in the operator, reported unless the job already failed.
            first = first == null ? t : first;
        }
        metrics.add("busy_nanos", busyNanos);
        peakMemoryBytes = peak; // publishes the final figures (see snapshot)
        if (first != null && failure == null) {
            job.fail(this, first);
        }
    }

    /** This channel's counters, peak memory and wall time: final once it is done, so far while it runs. */
    ChannelMetrics snapshot() {
        long peak = peakMemoryBytes;
        long first = firstRunNanos;
        long end = endNanos;
        var counters = metrics.snapshot();
        if (peak < 0) {
            // Still running (or never ran): busy time is added to the counters only at the end.
            peak = allocator.getPeakMemoryAllocation();
            counters.put("busy_nanos", busyNanos);
            end = System.nanoTime();
        }
        return new ChannelMetrics(node.id(), channel, counters, peak, first == 0 ? 0 : end - first);
    }

    String describe() {
        return "operator '" + node.name() + "' channel " + channel + " of " + node.channels();
    }

    TaskGraph.Node node() {
        return node;
    }

    // OperatorContext

    @Override
    public String operatorName() {
        return node.name();
    }

    @Override
    public int channel() {
        return channel;
    }

    @Override
    public int channelCount() {
        return node.channels();
    }

    @Override
    public BufferAllocator allocator() {
        return allocator;
    }

    @Override
    public Metrics metrics() {
        return metrics;
    }
}
