package dev.numbat.cluster.exchange;

/**
 * A snapshot of one output buffer, for admin statistics and tests.
 *
 * @param batches batches retained (all the producer sent; nothing is dropped before the query is released)
 * @param sent batches sent to the consumer at least once
 * @param maxUnsent the most batches that were ever waiting to be sent at once (bounded by the credit)
 * @param bytesInMemory bytes of retained batches held in memory
 * @param bytesSpilled bytes of retained batches spilled to the work directory
 * @param state OPEN, FINISHED or FAILED
 */
public record BufferStats(BufferKey key, long batches, long rows, long sent, long maxUnsent, long bytesInMemory,
        long bytesSpilled, String state) {
}
