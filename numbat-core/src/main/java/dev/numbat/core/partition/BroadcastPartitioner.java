package dev.numbat.core.partition;

import java.io.Serial;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Sends every batch whole to every consumer (shared buffers, no copy); empty batches are not sent. */
public final class BroadcastPartitioner implements Partitioner {
    @Serial
    private static final long serialVersionUID = 1L;

    BroadcastPartitioner() {
    }

    @Override
    public void partition(VectorSchemaRoot batch, int consumers, PartitionOutput out) {
        Routing.checkConsumers(consumers);
        if (batch.getRowCount() == 0) {
            return;
        }
        for (int c = 0; c < consumers; c++) {
            out.sendAll(c);
        }
    }

    @Override
    public String describe() {
        return "broadcast()";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BroadcastPartitioner;
    }

    @Override
    public int hashCode() {
        return BroadcastPartitioner.class.hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}
