package dev.numbat.core.operator;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A stateful, user-implementable step of a dataflow. One instance runs per channel and is only ever called
 * from one thread at a time, so it needs no synchronisation of its own state.
 *
 * <p>Lifecycle, driven by the runtime: {@link #open} once, then {@link #process} for every input batch
 * (interleaved across inputs, except that inputs the consumer needs whole are delivered and finished first),
 * {@link #finish} once per input ordinal after its last batch, and {@link #close} exactly once at the end,
 * also when the job fails or is cancelled.
 *
 * <p>Ownership: {@code process} receives ownership of {@code batch}. The operator must either close it,
 * emit it (which hands it on), or keep it as state and close it later (at the latest in {@link #close}).
 * Batches kept as state should be allocated from, or transferred to, {@link OperatorContext#allocator()}.
 */
public interface Operator extends AutoCloseable {

    /** Called once before any other method, on the channel's thread. */
    default void open(OperatorContext context) throws Exception {
    }

    /**
     * Consumes one batch from the input with the given ordinal (0 for the first input) and emits zero or
     * more batches. The emitter never blocks: if downstream has no credit the runtime buffers what was
     * emitted and does not call this operator again until the buffer drains.
     */
    void process(int input, VectorSchemaRoot batch, Emitter out) throws Exception;

    /** Called once per input after its last batch; the last call is the operator's chance to flush state. */
    default void finish(int input, Emitter out) throws Exception {
    }

    /** Releases state. Called exactly once, whether the job succeeded, failed or was cancelled. */
    @Override
    default void close() throws Exception {
    }
}
