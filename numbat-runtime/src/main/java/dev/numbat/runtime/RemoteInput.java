package dev.numbat.runtime;

/**
 * One local consumer channel's input as seen by the thread that receives a remote producer's stream. Each
 * feed calls {@link #put} for every batch in order, then exactly one of {@link #finish} or {@link #fail}.
 */
public interface RemoteInput {

    /**
     * Hands over a batch (ownership passes, always), blocking while the consumer has no credit. Returns false
     * if the consumer is gone (the job ended or failed): the batch was released and the feed should stop.
     */
    boolean put(long sequence, org.apache.arrow.vector.VectorSchemaRoot batch) throws InterruptedException;

    /** The remote producer sent its last batch. */
    void finish();

    /** The stream broke; fails the job with this cause. */
    void fail(Throwable cause);
}
