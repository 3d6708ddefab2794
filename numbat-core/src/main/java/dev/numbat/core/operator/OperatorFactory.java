package dev.numbat.core.operator;

import java.io.Serializable;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Creates one {@link Operator} per channel. Factories are serializable so that user operators can be shipped
 * to executors; keep their fields small and serializable (configuration, not data).
 */
@FunctionalInterface
public interface OperatorFactory extends Serializable {

    /** Creates the operator instance for one channel; per-channel state lives in the returned object. */
    Operator create(int channel);

    /**
     * The schema of the batches this operator emits given its inputs' schemas, or {@code null} when it is
     * only known from the batches themselves (then an empty result has no columns).
     */
    default Schema outputSchema(List<Schema> inputSchemas) {
        return null;
    }

    /** A short name used in errors, metrics and plans. */
    default String name() {
        return getClass().getSimpleName().isEmpty() ? "operator" : getClass().getSimpleName();
    }
}
