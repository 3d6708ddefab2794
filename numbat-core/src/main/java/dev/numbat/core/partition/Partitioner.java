package dev.numbat.core.partition;

import java.io.Serializable;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Decides, for every batch a producer channel emits on an edge, which consumer channels get which of its
 * rows. Called on the producer's thread. A user function is just a lambda of this interface: it may send
 * the whole batch to one or several consumers, slices of it, or individual rows.
 *
 * <p>The partitioner must not close or keep {@code batch}; the runtime owns it and releases it after the
 * call (what was sent shares or copies its buffers).
 */
@FunctionalInterface
public interface Partitioner extends Serializable {

    /** Routes the rows of {@code batch} to consumers {@code 0 .. consumers - 1} through {@code out}. */
    void partition(VectorSchemaRoot batch, int consumers, PartitionOutput out);

    /**
     * The instance a given producer channel uses. Stateless partitioners return {@code this}; stateful ones
     * (round-robin) return a fresh copy so that channels do not share mutable state.
     */
    default Partitioner forProducer(int producerChannel) {
        return this;
    }

    /** A short description for plans, e.g. {@code hash(user_id)}. */
    default String describe() {
        return "custom";
    }
}
