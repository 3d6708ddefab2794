package dev.numbat.operators.window;

import dev.numbat.operators.sort.SortKey;
import java.io.Serial;
import java.io.Serializable;
import java.util.List;
import java.util.Objects;

/**
 * {@code OVER (PARTITION BY ... ORDER BY ... frame)}: the partition columns by index, the order keys and the
 * frame its aggregates use. Immutable.
 */
public record WindowSpec(List<Integer> partitionBy, List<SortKey> orderBy, WindowFrame frame)
        implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    public WindowSpec {
        partitionBy = List.copyOf(Objects.requireNonNull(partitionBy, "partitionBy"));
        orderBy = List.copyOf(Objects.requireNonNull(orderBy, "orderBy"));
        Objects.requireNonNull(frame, "frame");
        for (int c : partitionBy) {
            if (c < 0) {
                throw new IllegalArgumentException("partition column must be >= 0: " + c);
            }
        }
    }

    /** The keys the rows are sorted by: the partition columns (ascending) then the order keys. */
    public List<SortKey> sortKeys() {
        List<SortKey> keys = new java.util.ArrayList<>();
        for (int c : partitionBy) {
            keys.add(SortKey.asc(c));
        }
        keys.addAll(orderBy);
        return keys;
    }

    @Override
    public String toString() {
        return "PARTITION BY " + partitionBy + " ORDER BY " + orderBy + " " + frame;
    }
}
