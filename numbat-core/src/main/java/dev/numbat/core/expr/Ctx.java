package dev.numbat.core.expr;

import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** The state of one evaluation over one batch: the input and the columns already read from it. */
final class Ctx {
    final VectorSchemaRoot input;
    final int rowCount;
    private final Col[] columns;
    private int[] all;

    Ctx(VectorSchemaRoot input) {
        this.input = input;
        this.rowCount = input.getRowCount();
        this.columns = new Col[input.getFieldVectors().size()];
    }

    /** A context without input, for folding constants ({@code rowCount} is 1). */
    Ctx() {
        this.input = null;
        this.rowCount = 1;
        this.columns = new Col[0];
    }

    /** Column {@code index} as a {@link Col}; read once per batch. */
    Col column(int index) {
        if (index >= columns.length) {
            throw new IllegalArgumentException("column " + index + " of a batch with " + columns.length + " columns");
        }
        Col c = columns[index];
        if (c == null) {
            FieldVector v = input.getVector(index);
            c = ColumnReader.read(v, rowCount);
            columns[index] = c;
        }
        return c;
    }

    /** The selection of all rows, 0 .. rowCount - 1. */
    int[] all() {
        if (all == null) {
            all = new int[rowCount];
            for (int i = 0; i < rowCount; i++) {
                all[i] = i;
            }
        }
        return all;
    }
}
