package dev.numbat.operators.join;

import java.io.Serializable;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The residual (non-equi) part of a join condition, evaluated a batch of candidate pairs at a time: for
 * {@code a.k = b.k AND a.x < b.y}, the equi keys {@code k} go to the hash table and {@code a.x < b.y} is the
 * filter.
 *
 * <p>{@link HashJoinOperator} calls it on the pairs whose keys are equal, gathered into one batch: columns
 * {@code 0 .. p-1} are the probe side's {@code p} columns and columns {@code p ..} the build side's, in their
 * input order, with the inputs' field types and names (names may repeat, so refer to columns by index). This is
 * the row type Calcite gives a join condition (left fields then right fields), so a vectorised expression
 * compiled from the condition's {@code RexNode} can be plugged in as is.
 *
 * <p>Implementations must not close or keep {@code candidates}; they run on the channel's thread. They must be
 * serializable, as they travel inside the operator's factory (a lambda cast to this interface is).
 */
@FunctionalInterface
public interface JoinFilter extends Serializable {
    /**
     * Which candidate pairs satisfy the condition: element {@code i} of the result (at least
     * {@code candidates.getRowCount()} long) is true to keep pair {@code i}. A condition that is NULL (unknown)
     * for a pair must yield false, as SQL's WHERE does.
     */
    boolean[] test(VectorSchemaRoot candidates);
}
