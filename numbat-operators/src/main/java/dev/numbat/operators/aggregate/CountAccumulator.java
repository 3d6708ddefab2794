package dev.numbat.operators.aggregate;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

/** count(*) and count(col): a long per group; the partial state is the count itself. */
final class CountAccumulator extends Accumulator {
    private long[] counts = new long[0];

    CountAccumulator(AggregateCall call, Field arg) {
        super(call, arg);
    }

    @Override
    List<Field> stateFields() {
        return List.of(stateField("count", BIGINT, false));
    }

    @Override
    Field resultField() {
        return result(BIGINT, false);
    }

    @Override
    void ensureCapacity(int groups) {
        counts = grow(counts, groups);
    }

    @Override
    void add(FieldVector argument, int[] groups, int rowCount) {
        long[] c = counts;
        if (argument == null || argument.getNullCount() == 0) {
            for (int i = 0; i < rowCount; i++) {
                c[groups[i]]++;
            }
            return;
        }
        if (argument.getNullCount() == rowCount) {
            return;
        }
        ArrowBuf validity = argument.getValidityBuffer();
        for (int i = 0; i < rowCount; i++) {
            if (!ColumnKind.isNull(validity, i)) {
                c[groups[i]]++;
            }
        }
    }

    @Override
    void merge(List<FieldVector> state, int at, int[] groups, int rowCount) {
        FieldVector v = state.get(at);
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        long[] c = counts;
        for (int i = 0; i < rowCount; i++) {
            if (!nulls || !ColumnKind.isNull(validity, i)) {
                c[groups[i]] += data.getLong((long) i << 3);
            }
        }
    }

    @Override
    void writeState(List<FieldVector> out, int at, int from, int count) {
        writeBigints(out.get(at), counts, from, count);
    }

    @Override
    void writeResult(FieldVector out, int from, int count) {
        writeBigints(out, counts, from, count);
    }

    @Override
    void clear() {
        counts = new long[0];
    }
}
