package dev.numbat.operators.window;

import java.io.Serial;
import java.io.Serializable;

/**
 * The rows of a partition an aggregate sees for each row. Bounds are offsets from the current row: negative
 * for PRECEDING, 0 for CURRENT ROW, positive for FOLLOWING, {@link #UNBOUNDED_PRECEDING} and
 * {@link #UNBOUNDED_FOLLOWING} for the partition's ends. A ROWS frame counts rows; a RANGE frame supports only
 * unbounded and CURRENT ROW bounds, where CURRENT ROW stands for the row's whole peer group (the rows with
 * equal ORDER BY keys; every row of the partition when there is no ORDER BY). Immutable.
 *
 * @param rows  ROWS when true, RANGE when false
 * @param lower the first row's offset
 * @param upper the last row's offset
 */
public record WindowFrame(boolean rows, long lower, long upper) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    public static final long UNBOUNDED_PRECEDING = Long.MIN_VALUE;
    public static final long UNBOUNDED_FOLLOWING = Long.MAX_VALUE;

    /** SQL's default with ORDER BY: RANGE BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW. */
    public static final WindowFrame DEFAULT = new WindowFrame(false, UNBOUNDED_PRECEDING, 0);
    /** The whole partition. */
    public static final WindowFrame WHOLE_PARTITION = new WindowFrame(false, UNBOUNDED_PRECEDING, UNBOUNDED_FOLLOWING);

    public WindowFrame {
        if (lower == UNBOUNDED_FOLLOWING || upper == UNBOUNDED_PRECEDING) {
            throw new IllegalArgumentException("a frame cannot start at UNBOUNDED FOLLOWING or end at UNBOUNDED "
                    + "PRECEDING");
        }
        if (!rows && (lower != UNBOUNDED_PRECEDING && lower != 0 || upper != UNBOUNDED_FOLLOWING && upper != 0)) {
            throw new IllegalArgumentException("RANGE frames with offsets are not supported: " + describe(lower, upper));
        }
    }

    /** ROWS BETWEEN {@code lower} AND {@code upper} (offsets as in the class comment). */
    public static WindowFrame rows(long lower, long upper) {
        return new WindowFrame(true, lower, upper);
    }

    private static String describe(long lower, long upper) {
        return bound(lower) + " AND " + bound(upper);
    }

    private static String bound(long b) {
        if (b == UNBOUNDED_PRECEDING) {
            return "UNBOUNDED PRECEDING";
        }
        if (b == UNBOUNDED_FOLLOWING) {
            return "UNBOUNDED FOLLOWING";
        }
        return b == 0 ? "CURRENT ROW" : b < 0 ? -b + " PRECEDING" : b + " FOLLOWING";
    }

    @Override
    public String toString() {
        return (rows ? "ROWS " : "RANGE ") + "BETWEEN " + describe(lower, upper);
    }
}
