package dev.numbat.core.batch;

import org.apache.arrow.vector.FieldVector;

/** Copies selected rows of one vector into another of the same type. */
final class Gather {
    private Gather() {
    }

    static void gather(FieldVector from, int[] rows, int count, FieldVector to) {
        to.setInitialCapacity(count);
        to.allocateNew();
        for (int i = 0; i < count; i++) {
            to.copyFromSafe(rows[i], i, from);
        }
        to.setValueCount(count);
    }
}
