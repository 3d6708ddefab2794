package dev.numbat.runtime;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A batch in transit with its origin: the producer channel and the batch's sequence number on the edge
 * (counted per producer channel and edge, from 0). Replay and de-duplication after a failure rely on it.
 */
record Envelope(int producer, long sequence, VectorSchemaRoot batch) {
}
