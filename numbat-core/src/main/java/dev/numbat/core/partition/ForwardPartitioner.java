package dev.numbat.core.partition;

import java.io.Serial;

/**
 * Every batch of producer channel {@code p}, whole and without copying, to consumer {@code p mod consumers}:
 * the edge between two operators of the same stage (equal channel counts), which keeps the producer's
 * partitioning (a hash-partitioned stream stays hash-partitioned the same way).
 */
public final class ForwardPartitioner implements Partitioner {
    @Serial
    private static final long serialVersionUID = 1L;

    public static final ForwardPartitioner INSTANCE = new ForwardPartitioner();

    private ForwardPartitioner() {
    }

    @Override
    public void partition(org.apache.arrow.vector.VectorSchemaRoot batch, int consumers, PartitionOutput out) {
        if (batch.getRowCount() > 0) {
            out.sendAll(Math.floorMod(out.producerChannel(), consumers));
        }
    }

    @Override
    public String describe() {
        return "forward()";
    }

    @Serial
    private Object readResolve() {
        return INSTANCE;
    }

    @Override
    public String toString() {
        return describe();
    }
}
