package dev.numbat.core.partition;

import dev.numbat.core.batch.Batches;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * A {@link PartitionOutput} for tests that materialises what each consumer receives, the way the runtime
 * would (shared buffers for whole batches and slices, {@link Batches#gather} for rows), and logs each call.
 */
final class RecordingOutput implements PartitionOutput, AutoCloseable {
    private final int producer;
    private final BufferAllocator allocator;
    private final List<List<VectorSchemaRoot>> received = new ArrayList<>();
    final List<String> calls = new ArrayList<>();
    private VectorSchemaRoot current;
    private int consumers;

    RecordingOutput(int producer, BufferAllocator allocator) {
        this.producer = producer;
        this.allocator = allocator;
    }

    /** Runs {@code partitioner} on {@code batch}, recording what it sends. */
    RecordingOutput route(Partitioner partitioner, VectorSchemaRoot batch, int consumers) {
        while (received.size() < consumers) {
            received.add(new ArrayList<>());
        }
        this.current = batch;
        this.consumers = consumers;
        try {
            partitioner.partition(batch, consumers, this);
        } finally {
            current = null;
        }
        return this;
    }

    List<VectorSchemaRoot> batches(int consumer) {
        return received.get(consumer);
    }

    /** Every value of {@code column} that {@code consumer} received, in order (via getObject; tests only). */
    List<Object> values(int consumer, String column) {
        List<Object> out = new ArrayList<>();
        for (VectorSchemaRoot b : received.get(consumer)) {
            for (int i = 0; i < b.getRowCount(); i++) {
                Object o = b.getVector(column).getObject(i);
                out.add(o == null ? null : o instanceof org.apache.arrow.vector.util.Text t ? t.toString() : o);
            }
        }
        return out;
    }

    int rows(int consumer) {
        return received.get(consumer).stream().mapToInt(VectorSchemaRoot::getRowCount).sum();
    }

    private void check(int consumer) {
        if (current == null) {
            throw new IllegalStateException("send outside partition()");
        }
        if (consumer < 0 || consumer >= consumers) {
            throw new IllegalArgumentException("consumer " + consumer + " of " + consumers);
        }
    }

    @Override
    public int producerChannel() {
        return producer;
    }

    @Override
    public void sendAll(int consumer) {
        check(consumer);
        calls.add("all:" + consumer);
        received.get(consumer).add(Batches.copy(current, allocator));
    }

    @Override
    public void sendSlice(int consumer, int offset, int length) {
        check(consumer);
        calls.add("slice:" + consumer + ":" + offset + "+" + length);
        received.get(consumer).add(Batches.slice(current, offset, length, allocator));
    }

    @Override
    public void sendRows(int consumer, int[] rows, int count) {
        check(consumer);
        calls.add("rows:" + consumer + ":" + count);
        received.get(consumer).add(Batches.gather(current, rows, count, allocator));
    }

    @Override
    public void sendByTarget(int[] targets, int rowCount) {
        calls.add("byTarget:" + rowCount);
        int[][] rows = new int[consumers][rowCount];
        int[] counts = new int[consumers];
        for (int i = 0; i < rowCount; i++) {
            int c = targets[i];
            check(c);
            rows[c][counts[c]++] = i;
        }
        for (int c = 0; c < consumers; c++) {
            if (counts[c] > 0) {
                received.get(c).add(Batches.gather(current, rows[c], counts[c], allocator));
            }
        }
    }

    @Override
    public void close() {
        received.forEach(list -> list.forEach(VectorSchemaRoot::close));
        received.clear();
    }
}
