package dev.numbat.core.partition;

import dev.numbat.core.hash.RowHasher;
import java.io.Serial;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Sends each row to the consumer chosen by the {@link RowHasher} hash of its key columns, so rows with equal
 * keys always meet in the same consumer channel, on every producer, executor and run (the hash is stable).
 * A batch whose rows all go to one consumer is sent whole, without copying; empty batches are not sent.
 * NULL keys hash to one constant, so all NULL keys go to one consumer.
 *
 * <p>The instances from {@link #forProducer} reuse their hash and target arrays from batch to batch; this
 * relies on {@link PartitionOutput} not keeping the {@code targets} array after {@code sendByTarget} returns
 * (its contract: it is used only during {@link #partition}).
 */
public final class HashPartitioner implements Partitioner {
    @Serial
    private static final long serialVersionUID = 1L;

    private final RowHasher hasher;
    /** Per-producer copies reuse scratch arrays across batches; the shared instance allocates per call. */
    private final boolean reuseScratch;
    private transient long[] hashes;
    private transient int[] targets;

    HashPartitioner(RowHasher hasher, boolean reuseScratch) {
        this.hasher = Objects.requireNonNull(hasher, "hasher");
        this.reuseScratch = reuseScratch;
    }

    /** The key columns, in hashing order. */
    public List<String> columns() {
        return hasher.columns();
    }

    /**
     * The consumer in {@code [0, consumers)} of a row with hash {@code hash}: a multiply-shift range reduction
     * of the hash's high 32 bits (no division, and unbiased for any consumer count). Operators that must
     * agree with this partitioner (e.g. a co-partitioned join) use this method.
     */
    public static int consumerOf(long hash, int consumers) {
        return (int) (((hash >>> 32) * consumers) >>> 32);
    }

    @Override
    public void partition(VectorSchemaRoot batch, int consumers, PartitionOutput out) {
        Routing.checkConsumers(consumers);
        int n = batch.getRowCount();
        if (consumers == 1) {
            hasher.resolve(batch); // same errors for bad keys whatever the channel count
            if (n > 0) {
                out.sendAll(0);
            }
            return;
        }
        if (n == 0) {
            hasher.resolve(batch);
            return;
        }
        long[] h = hashes(n);
        int[] t = targets(n);
        hasher.hash(batch, h);
        for (int i = 0; i < n; i++) {
            t[i] = consumerOf(h[i], consumers);
        }
        Routing.send(t, n, consumers, out);
    }

    private long[] hashes(int n) {
        if (!reuseScratch) {
            return new long[n];
        }
        if (hashes == null || hashes.length < n) {
            hashes = new long[n];
        }
        return hashes;
    }

    private int[] targets(int n) {
        if (!reuseScratch) {
            return new int[n];
        }
        if (targets == null || targets.length < n) {
            targets = new int[n];
        }
        return targets;
    }

    @Override
    public Partitioner forProducer(int producerChannel) {
        return new HashPartitioner(hasher, true);
    }

    @Override
    public String describe() {
        return "hash(" + String.join(", ", hasher.columns()) + ")";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HashPartitioner other && hasher.equals(other.hasher);
    }

    @Override
    public int hashCode() {
        return hasher.hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}
