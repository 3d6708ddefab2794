package dev.numbat.core.source;

import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Reads one split as a sequence of batches. Pull-based so that the runtime decides when to read: it calls
 * {@link #next} only while the channel has output credit, which is how a slow consumer slows a reader down.
 * Used from one thread at a time.
 */
public interface SplitReader extends AutoCloseable {

    /**
     * Returns the next batch, owned by the caller, or {@code null} when the split is exhausted. Never
     * returns an empty batch unless the whole split is empty.
     *
     * @throws dev.numbat.core.NumbatException with {@code USER_ERROR} for bad data (naming file and line)
     */
    VectorSchemaRoot next();

    /** Rows read so far that were skipped as malformed (when the source was asked to skip them). */
    default long rowsSkipped() {
        return 0;
    }

    @Override
    void close();
}
