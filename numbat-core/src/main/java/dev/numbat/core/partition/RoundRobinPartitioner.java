package dev.numbat.core.partition;

import java.io.Serial;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Sends whole batches (no copy) to consumers in turn. Producer channel {@code p} starts at consumer
 * {@code p mod consumers}, so that producers that each emit a single batch still spread over the consumers.
 * Empty batches are not sent and do not take a turn.
 *
 * <p>Stateful: each producer channel must use its own instance from {@link #forProducer}. An instance not
 * obtained that way starts at the {@link PartitionOutput#producerChannel()} of its first call.
 */
public final class RoundRobinPartitioner implements Partitioner {
    @Serial
    private static final long serialVersionUID = 1L;

    private long next;
    private boolean started;

    RoundRobinPartitioner() {
    }

    private RoundRobinPartitioner(int producerChannel) {
        this.next = producerChannel;
        this.started = true;
    }

    @Override
    public void partition(VectorSchemaRoot batch, int consumers, PartitionOutput out) {
        Routing.checkConsumers(consumers);
        if (batch.getRowCount() == 0) {
            return;
        }
        if (!started) {
            next = out.producerChannel();
            started = true;
        }
        out.sendAll((int) Math.floorMod(next++, (long) consumers));
    }

    @Override
    public Partitioner forProducer(int producerChannel) {
        return new RoundRobinPartitioner(producerChannel);
    }

    @Override
    public String describe() {
        return "roundRobin()";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RoundRobinPartitioner;
    }

    @Override
    public int hashCode() {
        return RoundRobinPartitioner.class.hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}
