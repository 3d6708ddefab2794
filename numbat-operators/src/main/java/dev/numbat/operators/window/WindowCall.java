package dev.numbat.operators.window;

import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;

/**
 * One window function call: the function, its argument column ({@link #NO_ARGUMENT} when it takes none), for
 * LAG and LEAD the offset and the default value (a literal of the argument's Java type as
 * {@code dev.numbat.core.batch.Values#get} returns it, or null), and the result column's name. Immutable.
 */
public record WindowCall(WindowFunction function, int argument, long offset, Serializable defaultValue, String name)
        implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    public static final int NO_ARGUMENT = -1;

    public WindowCall {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(name, "name");
        if (function.takesArgument() ? argument < 0 : argument != NO_ARGUMENT) {
            throw new IllegalArgumentException(function + (function.takesArgument()
                    ? " needs an argument column index >= 0, got " : " takes no argument, got ") + argument);
        }
        if (offset < 0) {
            throw new IllegalArgumentException("offset must be >= 0: " + offset);
        }
    }

    /** A function without argument (ROW_NUMBER, RANK, DENSE_RANK, COUNT_STAR). */
    public static WindowCall of(WindowFunction function, String name) {
        return new WindowCall(function, NO_ARGUMENT, 0, null, name);
    }

    /** An aggregate or FIRST_VALUE/LAST_VALUE of column {@code argument}. */
    public static WindowCall of(WindowFunction function, int argument, String name) {
        return new WindowCall(function, argument, 0, null, name);
    }

    /** LAG or LEAD of column {@code argument} by {@code offset} rows, {@code defaultValue} outside the partition. */
    public static WindowCall shift(WindowFunction function, int argument, long offset, Serializable defaultValue,
                                   String name) {
        if (function != WindowFunction.LAG && function != WindowFunction.LEAD) {
            throw new IllegalArgumentException("shift is for LAG and LEAD, not " + function);
        }
        return new WindowCall(function, argument, offset, defaultValue, name);
    }
}
