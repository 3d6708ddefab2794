package dev.numbat.core.partition;

import java.io.Serial;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Sends every batch whole to consumer 0, e.g. to gather a result; empty batches are not sent. */
public final class SinglePartitioner implements Partitioner {
    @Serial
    private static final long serialVersionUID = 1L;

    SinglePartitioner() {
    }

    @Override
    public void partition(VectorSchemaRoot batch, int consumers, PartitionOutput out) {
        Routing.checkConsumers(consumers);
        if (batch.getRowCount() > 0) {
            out.sendAll(0);
        }
    }

    @Override
    public String describe() {
        return "single()";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SinglePartitioner;
    }

    @Override
    public int hashCode() {
        return SinglePartitioner.class.hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}
