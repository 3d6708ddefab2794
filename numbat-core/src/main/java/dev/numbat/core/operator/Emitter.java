package dev.numbat.core.operator;

import org.apache.arrow.vector.VectorSchemaRoot;

/** Where an operator sends its output. Not thread-safe: used only from the operator's channel thread. */
@FunctionalInterface
public interface Emitter {
    /**
     * Hands {@code batch} downstream; the caller gives up ownership and must not touch it afterwards.
     * Empty batches are accepted and dropped.
     */
    void emit(VectorSchemaRoot batch);
}
