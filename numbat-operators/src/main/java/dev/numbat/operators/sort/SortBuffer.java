package dev.numbat.operators.sort;

import dev.numbat.operators.common.KeyValues;
import dev.numbat.operators.common.RowAddressGather;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Batches held for sorting, with their ORDER BY keys read once into primitive arrays indexed by a row id
 * (0, 1, ... in arrival order), so that comparing two rows reads two array slots per key and boxes nothing.
 * Strings keep an eight-byte big-endian prefix and fall back to comparing their bytes in the batch only when
 * the prefixes are equal.
 *
 * <p>Also used by the window operator, which sorts by (partition keys, order keys) and compares prefixes of the
 * keys ({@link #compare(int, int, int)}) to find partition and peer boundaries; with no keys at all the rows keep
 * their arrival order.
 *
 * <p>The buffer owns the batches it was given and closes them in {@link #clear} or {@link #close}. Not
 * thread-safe.
 */
public final class SortBuffer implements AutoCloseable {
    private final List<SortKey> keys;
    private final List<VectorSchemaRoot> batches = new ArrayList<>();
    private KeyColumn[] columns;
    private Schema schema;
    private long[] addresses = new long[0];
    private int size;

    public SortBuffer(List<SortKey> keys) {
        this.keys = List.copyOf(keys);
    }

    /** Rows held. */
    public int size() {
        return size;
    }

    /** The schema of the first batch appended, or null. */
    public Schema schema() {
        return schema;
    }

    public List<VectorSchemaRoot> batches() {
        return batches;
    }

    /** The address ({@link RowAddressGather#address}) of row id {@code id}. */
    public long address(int id) {
        return addresses[id];
    }

    /** Takes ownership of {@code batch} (also when this throws) and reads its keys; its rows get the next ids. */
    public void append(VectorSchemaRoot batch) {
        try {
            if (columns == null) {
                schema = batch.getSchema();
                columns = new KeyColumn[keys.size()];
                for (int k = 0; k < columns.length; k++) {
                    SortKey key = keys.get(k);
                    if (key.column() >= batch.getFieldVectors().size()) {
                        throw new IllegalArgumentException("sort key " + key + " is outside the "
                                + batch.getFieldVectors().size() + " columns of " + batch.getSchema());
                    }
                    columns[k] = KeyColumn.of(key, batch.getVector(key.column()), this);
                }
            }
            int n = batch.getRowCount();
            ensureCapacity(size + n);
            int batchIndex = batches.size();
            for (int i = 0; i < n; i++) {
                addresses[size + i] = RowAddressGather.address(batchIndex, i);
            }
            for (KeyColumn c : columns) {
                c.read(batch.getVector(c.column), n, size, batchIndex);
            }
            batches.add(batch);
            size += n;
        } catch (RuntimeException | Error e) {
            batch.close();
            throw e;
        }
    }

    /** Removes the last batch appended and its rows and hands it back to the caller, who then owns it. */
    VectorSchemaRoot removeLast() {
        VectorSchemaRoot last = batches.remove(batches.size() - 1);
        size -= last.getRowCount();
        for (KeyColumn c : columns) {
            c.dropBatch(batches.size());
        }
        return last;
    }

    /** Compares rows {@code a} and {@code b} by every key in turn. */
    public int compare(int a, int b) {
        for (KeyColumn c : columns) {
            int r = c.compare(a, b);
            if (r != 0) {
                return r;
            }
        }
        return 0;
    }

    /** Compares rows {@code a} and {@code b} by the first {@code keyCount} keys in turn. */
    public int compare(int a, int b, int keyCount) {
        for (int k = 0; k < keyCount; k++) {
            int r = columns[k].compare(a, b);
            if (r != 0) {
                return r;
            }
        }
        return 0;
    }

    /** All row ids in key order; rows with equal keys keep their arrival order. */
    public int[] sortedIds() {
        int[] ids = new int[size];
        for (int i = 0; i < size; i++) {
            ids[i] = i;
        }
        if (columns != null && columns.length > 0) {
            if (columns.length == 1) {
                KeyColumn only = columns[0];
                IntSort.sort(ids, size, only::compare);
            } else {
                IntSort.sort(ids, size, this::compare);
            }
        }
        return ids;
    }

    /** Closes every batch and forgets all rows; the key types stay fixed. */
    public void clear() {
        RuntimeException failure = null;
        for (VectorSchemaRoot b : batches) {
            try {
                b.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        batches.clear();
        size = 0;
        if (columns != null) {
            for (KeyColumn c : columns) {
                c.dropBatch(0);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public void close() {
        clear();
        addresses = new long[0];
        columns = null;
    }

    private void ensureCapacity(int needed) {
        if (needed <= addresses.length) {
            return;
        }
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, addresses.length * 3L / 2 + 1024));
        if (needed > capacity) {
            throw new IllegalStateException("a sort buffer holds at most " + capacity + " rows");
        }
        addresses = Arrays.copyOf(addresses, capacity);
        for (KeyColumn c : columns) {
            c.grow(capacity);
        }
    }

    /** One key's values by row id, and how to compare two of them. */
    private abstract static class KeyColumn {
        final int column;
        /** 1 ascending, -1 descending. */
        final int direction;
        /** What compare returns when only the first row is NULL. */
        final int nullOrder;
        boolean[] nulls = new boolean[0];
        boolean anyNull;

        KeyColumn(SortKey key) {
            this.column = key.column();
            this.direction = key.ascending() ? 1 : -1;
            this.nullOrder = key.nullsFirst() ? -1 : 1;
        }

        static KeyColumn of(SortKey key, FieldVector v, SortBuffer owner) {
            return switch (KeyValues.kindOf(v)) {
                case LONG -> new LongColumn(key);
                case DOUBLE -> new DoubleColumn(key);
                case DECIMAL -> new DecimalColumn(key);
                case BYTES -> new BytesColumn(key, owner, false);
                case LARGE_BYTES -> new BytesColumn(key, owner, true);
            };
        }

        void grow(int capacity) {
            nulls = Arrays.copyOf(nulls, capacity);
        }

        void read(FieldVector v, int n, int at, int batchIndex) {
            anyNull |= KeyValues.readNulls(v, n, nulls, at);
            readValues(v, n, at, batchIndex);
        }

        abstract void readValues(FieldVector v, int n, int at, int batchIndex);

        /** Forgets what it holds about batches {@code from} and later. */
        void dropBatch(int from) {
        }

        abstract int compare(int a, int b);
    }

    private static final class LongColumn extends KeyColumn {
        long[] values = new long[0];

        LongColumn(SortKey key) {
            super(key);
        }

        @Override
        void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }

        @Override
        void readValues(FieldVector v, int n, int at, int batchIndex) {
            KeyValues.readLongs(v, n, values, at);
        }

        @Override
        int compare(int a, int b) {
            if (anyNull) {
                boolean na = nulls[a];
                boolean nb = nulls[b];
                if (na | nb) {
                    return na == nb ? 0 : na ? nullOrder : -nullOrder;
                }
            }
            return direction * Long.compare(values[a], values[b]);
        }
    }

    private static final class DoubleColumn extends KeyColumn {
        double[] values = new double[0];

        DoubleColumn(SortKey key) {
            super(key);
        }

        @Override
        void grow(int capacity) {
            super.grow(capacity);
            values = Arrays.copyOf(values, capacity);
        }

        @Override
        void readValues(FieldVector v, int n, int at, int batchIndex) {
            KeyValues.readDoubles(v, n, values, at);
        }

        @Override
        int compare(int a, int b) {
            if (anyNull) {
                boolean na = nulls[a];
                boolean nb = nulls[b];
                if (na | nb) {
                    return na == nb ? 0 : na ? nullOrder : -nullOrder;
                }
            }
            // NaN sorts above every number (as in PostgreSQL); -0.0 was read as 0.0, so they tie.
            return direction * Double.compare(values[a], values[b]);
        }
    }

    private static final class DecimalColumn extends KeyColumn {
        long[] high = new long[0];
        long[] low = new long[0];

        DecimalColumn(SortKey key) {
            super(key);
        }

        @Override
        void grow(int capacity) {
            super.grow(capacity);
            high = Arrays.copyOf(high, capacity);
            low = Arrays.copyOf(low, capacity);
        }

        @Override
        void readValues(FieldVector v, int n, int at, int batchIndex) {
            KeyValues.readDecimals(v, n, high, low, at);
        }

        @Override
        int compare(int a, int b) {
            if (anyNull) {
                boolean na = nulls[a];
                boolean nb = nulls[b];
                if (na | nb) {
                    return na == nb ? 0 : na ? nullOrder : -nullOrder;
                }
            }
            int c = Long.compare(high[a], high[b]);
            if (c == 0) {
                c = Long.compareUnsigned(low[a], low[b]);
            }
            return direction * c;
        }
    }

    private static final class BytesColumn extends KeyColumn {
        private final SortBuffer owner;
        private final boolean large;
        long[] prefixes = new long[0];
        final List<ArrowBuf> offsets = new ArrayList<>();
        final List<ArrowBuf> data = new ArrayList<>();

        BytesColumn(SortKey key, SortBuffer owner, boolean large) {
            super(key);
            this.owner = owner;
            this.large = large;
        }

        @Override
        void grow(int capacity) {
            super.grow(capacity);
            prefixes = Arrays.copyOf(prefixes, capacity);
        }

        @Override
        void readValues(FieldVector v, int n, int at, int batchIndex) {
            KeyValues.readPrefixes(v, n, prefixes, at);
            offsets.add(v.getOffsetBuffer());
            data.add(v.getDataBuffer());
        }

        @Override
        void dropBatch(int from) {
            while (offsets.size() > from) {
                offsets.remove(offsets.size() - 1);
                data.remove(data.size() - 1);
            }
        }

        @Override
        int compare(int a, int b) {
            if (anyNull) {
                boolean na = nulls[a];
                boolean nb = nulls[b];
                if (na | nb) {
                    return na == nb ? 0 : na ? nullOrder : -nullOrder;
                }
            }
            int c = Long.compareUnsigned(prefixes[a], prefixes[b]);
            if (c == 0) {
                c = compareBytes(owner.addresses[a], owner.addresses[b]);
            }
            return direction * c;
        }

        private int compareBytes(long addressA, long addressB) {
            int ba = RowAddressGather.batchOf(addressA);
            int bb = RowAddressGather.batchOf(addressB);
            long ra = RowAddressGather.rowOf(addressA);
            long rb = RowAddressGather.rowOf(addressB);
            ArrowBuf oa = offsets.get(ba);
            ArrowBuf ob = offsets.get(bb);
            long startA;
            long endA;
            long startB;
            long endB;
            if (large) {
                startA = oa.getLong(ra << 3);
                endA = oa.getLong((ra + 1) << 3);
                startB = ob.getLong(rb << 3);
                endB = ob.getLong((rb + 1) << 3);
            } else {
                startA = oa.getInt(ra << 2);
                endA = oa.getInt((ra + 1) << 2);
                startB = ob.getInt(rb << 2);
                endB = ob.getInt((rb + 1) << 2);
            }
            return Integer.signum(ByteFunctionHelpers.compare(data.get(ba), startA, endA, data.get(bb), startB, endB));
        }
    }
}
