package dev.numbat.plan.physical;

import dev.numbat.core.expr.CompiledExpr;
import dev.numbat.operators.join.JoinFilter;
import java.io.Serial;
import java.util.Objects;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The non-equi part of a join condition as a {@link JoinFilter}: a compiled BOOLEAN expression over the
 * candidate pairs (probe columns, then build columns). Stateless, so one instance serves every channel.
 */
public record ResidualJoinFilter(CompiledExpr condition) implements JoinFilter {
    @Serial
    private static final long serialVersionUID = 1L;

    public ResidualJoinFilter {
        Objects.requireNonNull(condition, "condition");
    }

    @Override
    public boolean[] test(VectorSchemaRoot candidates) {
        int n = candidates.getRowCount();
        int[] selection = new int[n];
        int count = condition.select(candidates, selection);
        boolean[] keep = new boolean[n];
        for (int i = 0; i < count; i++) {
            keep[selection[i]] = true;
        }
        return keep;
    }

    @Override
    public String toString() {
        return condition.expr().toString();
    }
}
