package dev.numbat.core.expr;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * An {@link Expr} checked and prepared for vectorised evaluation by {@link ExprCompiler#compile}. Stateless
 * and immutable: one instance may be used from several threads at once. Serializable (it travels as its
 * {@link Expr} and is compiled again on arrival).
 *
 * <p>Evaluation is column at a time: each call's arguments are evaluated over the batch (or over a selection
 * of its rows) into primitive arrays, then one typed loop computes the call. Errors in the data (overflow,
 * division by zero, a string that does not parse) are {@link dev.numbat.core.NumbatException}s with code
 * USER_ERROR. To evaluate several expressions over one batch reading each input column once, use
 * {@link Evaluation}.
 */
public interface CompiledExpr extends java.io.Serializable {

    Expr expr();

    /** The result type ({@code expr().type()}). */
    default ArrowType type() {
        return expr().type();
    }

    /** Whether the result may be NULL ({@code expr().nullable()}). */
    default boolean nullable() {
        return expr().nullable();
    }

    /** The field a result vector named {@code name} has: this type and nullability. */
    default Field field(String name) {
        return VectorWriter.field(name, type(), nullable());
    }

    /** A new vector (owned by the caller, allocated from allocator, named `name`) holding the value for every row of input. */
    FieldVector evaluate(VectorSchemaRoot input, BufferAllocator allocator, String name);

    /**
     * A new vector (owned by the caller) of {@code count} rows: row {@code j} holds the value for input row
     * {@code selection[j]}. The selection must be ascending; only the selected rows are computed.
     */
    FieldVector evaluate(VectorSchemaRoot input, int[] selection, int count, BufferAllocator allocator, String name);

    /** For BOOLEAN expressions: writes the indices of rows where the value is TRUE (not NULL/FALSE) into selection (length >= rowCount), ascending; returns how many. */
    int select(VectorSchemaRoot input, int[] selection);
}
