package dev.numbat.core.source;

import java.io.Serializable;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A data set that can be read in parallel: planning asks it for {@link Split}s, the runtime assigns splits to
 * source channels, and each channel opens a {@link SplitReader} per split.
 *
 * <p>Sources are immutable descriptions (paths, options, projection, filters) and serializable, so a plan
 * can carry them to executors. They do not hold open files.
 */
public interface Source extends Serializable {

    /** The schema of the batches every reader of this source emits. May touch the file system. */
    Schema schema();

    /**
     * Divides the data set into splits. {@code targetSplits} is a hint (usually the channel count the
     * planner would like to use); a source returns fewer when the data is small and more when files are
     * many. Order matters: it is the order rows appear in when read by one channel.
     */
    List<Split> splits(int targetSplits);

    /** Opens one split for reading; batches are allocated from {@code allocator}. */
    SplitReader open(Split split, BufferAllocator allocator);

    /** A short description for plans and errors, e.g. {@code csv(/data/events/*.csv)}. */
    String describe();
}
