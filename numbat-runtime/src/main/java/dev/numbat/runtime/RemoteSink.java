package dev.numbat.runtime;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Where a local producer channel sends batches for one consumer channel in another process. Called only by
 * the producer channel's thread (runs of a channel never overlap).
 */
public interface RemoteSink {

    /**
     * Offers the batch with its sequence number on the edge. With credit the sink takes ownership (it must
     * move the buffers into an allocator of its own, since the producer's allocator closes when the channel
     * ends) and returns true. Without credit it returns false, keeps nothing, and runs {@code wake} once
     * (from any thread) when credit frees up. After {@link #abort} it releases the batch and returns true.
     */
    boolean offer(long sequence, VectorSchemaRoot batch, Runnable wake);

    /** The producer sent its last batch. */
    void finish();

    /** The producer's job failed or was cancelled; no more batches come. May follow {@link #finish}. */
    void abort(Throwable cause);
}
