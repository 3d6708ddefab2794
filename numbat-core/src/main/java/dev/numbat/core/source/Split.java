package dev.numbat.core.source;

import java.io.Serializable;
import java.util.List;

/** One independently readable part of a {@link Source}: a byte range of a file, a row group, a whole file. */
public interface Split extends Serializable {

    /** Bytes this split covers (an estimate is fine); used to balance splits across channels. */
    long sizeBytes();

    /** A description naming the file and range, for errors and plans. */
    String describe();

    /** The files this split reads (for data locality and data-root checks); empty if it reads none. */
    default List<String> files() {
        return List.of();
    }
}
