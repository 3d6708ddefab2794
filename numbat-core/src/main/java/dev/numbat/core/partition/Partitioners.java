package dev.numbat.core.partition;

import dev.numbat.core.hash.RowHasher;
import java.io.Serial;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The built-in partitioners. All are {@link java.io.Serializable} (they hold column names and boundary
 * values, never vectors or indices) and describe themselves as written here, e.g. {@code hash(user_id, day)}.
 * None of them sends an empty batch: there are no rows to route.
 */
public final class Partitioners {
    private static final BroadcastPartitioner BROADCAST = new BroadcastPartitioner();
    private static final SinglePartitioner SINGLE = new SinglePartitioner();

    private Partitioners() {
    }

    /**
     * Rows with equal values in {@code columns} go to the same consumer, chosen from their stable
     * {@link RowHasher} hash. An INT and a BIGINT key with equal values go to the same consumer.
     */
    public static HashPartitioner hash(String... columns) {
        return new HashPartitioner(RowHasher.of(columns), false);
    }

    /**
     * Range partitioning on integer, date, time, timestamp, float, double or decimal {@code column}; see
     * {@link RangePartitioner} (values equal to a boundary go to the upper side, NULLs to consumer 0). The
     * edge needs {@code boundaries.length + 1} consumers.
     */
    public static RangePartitioner range(String column, long... boundaries) {
        return RangePartitioner.ofLongs(column, Objects.requireNonNull(boundaries, "boundaries"));
    }

    /** Range partitioning by double boundaries; see {@link #range(String, long...)}. */
    public static RangePartitioner range(String column, double... boundaries) {
        return RangePartitioner.ofDoubles(column, Objects.requireNonNull(boundaries, "boundaries"));
    }

    /** Range partitioning by exact decimal boundaries; see {@link #range(String, long...)}. */
    public static RangePartitioner range(String column, BigDecimal... boundaries) {
        return RangePartitioner.ofDecimals(column, Objects.requireNonNull(boundaries, "boundaries"));
    }

    /** Range partitioning of a DATE column (days or milliseconds); see {@link #range(String, long...)}. */
    public static RangePartitioner range(String column, LocalDate... boundaries) {
        return RangePartitioner.ofDates(column, Objects.requireNonNull(boundaries, "boundaries"));
    }

    /**
     * Range partitioning of a string or binary column, comparing UTF-8 bytes unsigned; see
     * {@link #range(String, long...)}.
     */
    public static RangePartitioner range(String column, String... boundaries) {
        return RangePartitioner.ofStrings(column, Objects.requireNonNull(boundaries, "boundaries"));
    }

    /** Every batch, whole, to every consumer (a small join side, say). */
    public static BroadcastPartitioner broadcast() {
        return BROADCAST;
    }

    /** Whole batches to consumers in turn, each producer starting at its own channel index. */
    public static RoundRobinPartitioner roundRobin() {
        return new RoundRobinPartitioner();
    }

    /**
     * Producer channel {@code p}'s batches, whole, to consumer {@code p mod consumers}: between two steps of
     * equal channel counts, it keeps the producer's partitioning.
     */
    public static ForwardPartitioner forward() {
        return ForwardPartitioner.INSTANCE;
    }

    /** Every batch, whole, to consumer 0. */
    public static SinglePartitioner single() {
        return SINGLE;
    }

    /**
     * A user function, returned as is; this method exists so that plans read alike. The function may route
     * rows, send slices, or send the batch to several consumers. To be shipped to a cluster it must be
     * serializable (a lambda of {@link Partitioner} is) and capture only serializable values.
     */
    public static Partitioner custom(Partitioner fn) {
        return Objects.requireNonNull(fn, "fn");
    }

    /** A user function that {@link Partitioner#describe() describes} itself as {@code description}. */
    public static Partitioner custom(String description, Partitioner fn) {
        return new Described(Objects.requireNonNull(description, "description"), Objects.requireNonNull(fn, "fn"));
    }

    /** A user function with a description, as {@link #custom(String, Partitioner)} makes it. */
    public record Described(String description, Partitioner fn) implements Partitioner {
        @Serial
        private static final long serialVersionUID = 1L;

        @Override
        public void partition(VectorSchemaRoot batch, int consumers, PartitionOutput out) {
            fn.partition(batch, consumers, out);
        }

        @Override
        public Partitioner forProducer(int producerChannel) {
            Partitioner own = fn.forProducer(producerChannel);
            return own == fn ? this : new Described(description, own);
        }

        @Override
        public String describe() {
            return description;
        }

        @Override
        public String toString() {
            return description;
        }
    }
}
