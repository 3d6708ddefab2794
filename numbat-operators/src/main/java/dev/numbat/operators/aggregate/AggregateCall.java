package dev.numbat.operators.aggregate;

import java.io.Serial;
import java.io.Serializable;
import java.util.Objects;

/**
 * One aggregate of a GROUP BY: the function, the index of its argument column in the aggregate's input
 * ({@link #NO_ARGUMENT} for {@code count(*)}), and the name of its result column. Mirrors Calcite's
 * {@code AggregateCall} after the planner has resolved {@code COUNT(DISTINCT x)} to
 * {@link AggregateFunction#COUNT_DISTINCT}; other DISTINCT aggregates are expected to be rewritten by the
 * planner (e.g. {@code AggregateExpandDistinctAggregatesRule}).
 *
 * @param function the function
 * @param argument the input column index, or {@link #NO_ARGUMENT} for {@code count(*)}
 * @param name     the output column's name
 */
public record AggregateCall(AggregateFunction function, int argument, String name) implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The argument of {@code count(*)}. */
    public static final int NO_ARGUMENT = -1;

    public AggregateCall {
        Objects.requireNonNull(function, "function");
        Objects.requireNonNull(name, "name");
        if (name.isEmpty()) {
            throw new IllegalArgumentException("aggregate call name must not be empty");
        }
        if (function.takesArgument() ? argument < 0 : argument != NO_ARGUMENT) {
            throw new IllegalArgumentException(function + (function.takesArgument()
                    ? " needs an argument column index >= 0, got " : " takes no argument, got ") + argument);
        }
    }

    /** {@code count(*)} named {@code name}. */
    public static AggregateCall countStar(String name) {
        return new AggregateCall(AggregateFunction.COUNT_STAR, NO_ARGUMENT, name);
    }

    /** {@code function(column argument)} named {@code name}. */
    public static AggregateCall of(AggregateFunction function, int argument, String name) {
        return new AggregateCall(function, argument, name);
    }
}
