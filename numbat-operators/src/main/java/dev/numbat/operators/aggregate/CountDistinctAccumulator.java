package dev.numbat.operators.aggregate;

import dev.numbat.core.hash.RowHasher;
import dev.numbat.core.hash.XxHash64;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/**
 * count(DISTINCT col). One {@link GroupTable} per call holds the set of (group id, value) pairs seen, so each
 * group's distinct values are stored once, column-wise, whatever their type; a group's count goes up when a
 * pair is new. NULL values are skipped.
 *
 * <p>Distributed aggregation: the partial state is the group's distinct values themselves, as a
 * {@code LIST<type>} column, and FINAL inserts every element into its own set, so values seen by several
 * partial channels are counted once. (The alternative, a two-level aggregation that first groups by
 * (keys, value) and then counts, needs a second shuffle and cannot share a pass with the other aggregates of
 * the same GROUP BY; shipping the sets is simpler and as exact. Its cost is proportional to the number of
 * distinct (group, value) pairs per partial channel, which is also what the two-level plan would ship.)
 */
final class CountDistinctAccumulator extends Accumulator {
    private final KeyColumn.GroupIdKeys groupKeys = new KeyColumn.GroupIdKeys();
    private final KeyColumn valueKeys;
    private final GroupTable table;
    private long[] counts = new long[0];
    private int groups;

    // Scratch for one batch.
    private long[] valueHashes = new long[0];
    private long[] pairHashes = new long[0];
    private int[] selection = new int[0];
    private int[] entries = new int[0];
    private int[] elementGroups = new int[0];

    // The pairs sorted by group, built once when the state is first written.
    private int[] order;
    private int[] groupStart;

    CountDistinctAccumulator(AggregateCall call, Field arg) {
        super(call, arg);
        this.valueKeys = KeyColumn.forField(arg);
        this.table = new GroupTable(groupKeys, valueKeys);
    }

    @Override
    List<Field> stateFields() {
        Field element = new Field(ListVector.DATA_VECTOR_NAME, FieldType.nullable(arg.getType()), null);
        return List.of(new Field(call.name() + "$distinct", FieldType.notNullable(ArrowType.List.INSTANCE),
                List.of(element)));
    }

    @Override
    Field resultField() {
        return result(BIGINT, false);
    }

    @Override
    void ensureCapacity(int groupCount) {
        counts = grow(counts, groupCount);
        groups = Math.max(groups, groupCount);
    }

    private void scratch(int n) {
        if (valueHashes.length < n) {
            int len = Math.max(n, 16);
            valueHashes = new long[len];
            pairHashes = new long[len];
            selection = new int[len];
            entries = new int[len];
            elementGroups = new int[len];
        }
    }

    @Override
    void add(FieldVector argument, int[] groupIds, int rowCount) {
        insert(argument, groupIds, rowCount, null);
    }

    /**
     * Inserts the non-NULL values {@code 0..n} of {@code values}, value {@code i} belonging to group
     * {@code groupOf[i]}, leaving out those with {@code skip[i]} set (when {@code skip} is given).
     */
    private void insert(FieldVector values, int[] groupOf, int n, boolean[] skip) {
        if (n == 0) {
            return;
        }
        scratch(n);
        RowHasher.hashColumn(values, n, valueHashes, false);
        ArrowBuf validity = values.getValidityBuffer();
        boolean nulls = values.getNullCount() > 0;
        int selected = 0;
        for (int i = 0; i < n; i++) {
            if ((nulls && ColumnKind.isNull(validity, i)) || (skip != null && skip[i])) {
                continue;
            }
            pairHashes[i] = RowHasher.combine(XxHash64.hashLong(groupOf[i]), valueHashes[i]);
            selection[selected++] = i;
        }
        groupKeys.bindIds(groupOf);
        valueKeys.bind(values);
        int before = table.size();
        table.findOrInsert(pairHashes, selection, selected, entries);
        for (int e = before; e < table.size(); e++) {
            counts[groupKeys.group(e)]++;
        }
    }

    @Override
    void merge(List<FieldVector> state, int at, int[] groupIds, int rowCount) {
        ListVector lists = (ListVector) state.get(at);
        FieldVector elements = lists.getDataVector();
        ArrowBuf offsets = lists.getOffsetBuffer();
        ArrowBuf validity = lists.getValidityBuffer();
        boolean nullLists = lists.getNullCount() > 0;
        int n = rowCount == 0 ? 0 : offsets.getInt((long) rowCount << 2);
        scratch(n);
        boolean[] skip = new boolean[n];
        for (int i = 0; i < rowCount; i++) {
            int start = offsets.getInt((long) i << 2);
            int end = offsets.getInt((long) (i + 1) << 2);
            boolean isNull = nullLists && ColumnKind.isNull(validity, i);
            for (int j = start; j < end; j++) {
                elementGroups[j] = groupIds[i];
                skip[j] = isNull;
            }
        }
        insert(elements, elementGroups, n, skip);
    }

    @Override
    void writeState(List<FieldVector> out, int at, int from, int count) {
        if (order == null) {
            sortByGroup();
        }
        ListVector lists = (ListVector) out.get(at);
        lists.setInitialCapacity(Math.max(count, 1));
        lists.allocateNew();
        int start = groupStart[from];
        valueKeys.write(lists.getDataVector(), order, start, groupStart[from + count] - start);
        for (int i = 0; i < count; i++) {
            lists.startNewValue(i);
            lists.endValue(i, groupStart[from + i + 1] - groupStart[from + i]);
        }
        lists.setValueCount(count);
    }

    private void sortByGroup() {
        int pairs = table.size();
        groupStart = new int[groups + 1];
        for (int e = 0; e < pairs; e++) {
            groupStart[groupKeys.group(e) + 1]++;
        }
        for (int g = 0; g < groups; g++) {
            groupStart[g + 1] += groupStart[g];
        }
        int[] next = java.util.Arrays.copyOf(groupStart, groups);
        order = new int[pairs];
        for (int e = 0; e < pairs; e++) {
            order[next[groupKeys.group(e)]++] = e;
        }
    }

    @Override
    void writeResult(FieldVector out, int from, int count) {
        writeBigints(out, counts, from, count);
    }

    @Override
    void clear() {
        table.clear();
        counts = new long[0];
        valueHashes = pairHashes = new long[0];
        selection = entries = elementGroups = new int[0];
        order = null;
        groupStart = null;
    }
}
