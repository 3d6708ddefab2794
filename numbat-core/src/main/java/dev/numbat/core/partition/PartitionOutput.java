package dev.numbat.core.partition;

/**
 * How a {@link Partitioner} sends (parts of) the current batch. Whole batches and slices are sent without
 * copying; selected rows are copied. A consumer may be sent several pieces of one batch; they arrive in the
 * order they were sent. Used only during {@link Partitioner#partition}. The runtime does not keep the
 * {@code rows} and {@code targets} arrays after a call returns, so partitioners may reuse them per batch.
 * Empty batches are never passed to a partitioner.
 */
public interface PartitionOutput {

    /** The producer channel whose batch is being routed. */
    int producerChannel();

    /** Sends the whole batch to {@code consumer}; call it for several consumers to copy the batch to each. */
    void sendAll(int consumer);

    /** Sends rows {@code [offset, offset + length)} to {@code consumer}. */
    void sendSlice(int consumer, int offset, int length);

    /** Sends rows {@code rows[0 .. count)} (indices into the batch, in that order) to {@code consumer}. */
    void sendRows(int consumer, int[] rows, int count);

    /**
     * Sends every row {@code i < rowCount} to consumer {@code targets[i]}, keeping rows' relative order per
     * consumer. The usual path for hash partitioning.
     */
    void sendByTarget(int[] targets, int rowCount);
}
