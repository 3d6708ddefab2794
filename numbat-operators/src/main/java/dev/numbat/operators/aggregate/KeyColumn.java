package dev.numbat.operators.aggregate;

import dev.numbat.core.hash.XxHash64;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The stored values of one key column of a {@link GroupTable}, column-wise in growable primitive arrays, with
 * the current batch's Arrow vector bound for reading. Entries are numbered 0, 1, 2, ... in insertion order
 * (the group ids). All bulk methods loop over many rows per call, so the per-column virtual call is paid
 * once per batch, not once per row. NULL is a value like any other here: two NULLs are equal (SQL GROUP BY).
 */
abstract class KeyColumn {

    /** Makes {@code v} (same type as this column) the vector that row numbers refer to. */
    abstract void bind(FieldVector v);

    /**
     * Writes the hash of every bound row {@code 0..n} into {@code out} (or, with {@code combine}, folds it into
     * the hash already there with {@link #combine}). Call after {@link #bind}. These hashes are private to one
     * table (a channel's): they only have to agree with themselves, so they are cheaper than {@code RowHasher}'s
     * stable, cluster-wide hashes; a value hashes the same in every batch.
     */
    abstract void hash(int n, long[] out, boolean combine);

    /** Number of stored entries. */
    abstract int size();

    /** Appends the bound vector's rows {@code rows[0..count)} as new entries, in that order. */
    abstract void append(int[] rows, int count);

    /** Clears {@code eq[k]} where the bound row {@code rows[k]} differs from entry {@code entries[k]}. */
    abstract void equal(int[] rows, int[] entries, int count, boolean[] eq);

    /** True if the bound row equals the stored entry (the rare, scalar path). */
    abstract boolean equalOne(int row, int entry);

    /**
     * Allocates {@code out} (of this column's type) and writes {@code count} entries into rows 0..count-1:
     * entries {@code from .. from+count} when {@code order} is null, else {@code order[from .. from+count]}.
     */
    abstract void write(FieldVector out, int[] order, int from, int count);

    /** Drops all entries and their memory. */
    abstract void clear();

    static KeyColumn forField(Field field) {
        ColumnKind kind = ColumnKind.of(field);
        return switch (kind) {
            case DECIMAL -> new DecimalKeys();
            case BYTES -> new BytesKeys();
            default -> new LongKeys(kind);
        };
    }

    /** The hash of a NULL key, in any column. */
    static final long NULL_HASH = 0x2F0E1EBA9DD5C2B7L;
    private static final long COMBINE = 0x9E3779B185EBCA87L;

    /** Murmur3's 64-bit finaliser: every input bit affects every output bit, the low ones included. */
    static long mix(long x) {
        x ^= x >>> 33;
        x *= 0xFF51AFD7ED558CCDL;
        x ^= x >>> 33;
        x *= 0xC4CEB9FE1A85EC53L;
        x ^= x >>> 33;
        return x;
    }

    /** The hash of a row so far combined with the hash of its next key column (already well mixed). */
    static long combine(long h, long columnHash) {
        return h * COMBINE + columnHash;
    }

    static void store(long[] out, int i, long h, boolean combine) {
        out[i] = combine ? combine(out[i], h) : h;
    }

    static int grow(int have, int need) {
        return Math.max(need, Math.max(16, have + (have >> 1)));
    }

    /** Integer-like, temporal, boolean and floating-point keys, stored as one long each. */
    static final class LongKeys extends KeyColumn {
        private final ColumnKind kind;
        private long[] values = new long[0];
        private boolean[] nulls = new boolean[0];
        private int size;
        private ArrowBuf data;
        private ArrowBuf validity;
        private boolean hasNulls;

        LongKeys(ColumnKind kind) {
            this.kind = kind;
        }

        @Override
        void bind(FieldVector v) {
            data = v.getDataBuffer();
            validity = v.getValidityBuffer();
            hasNulls = v.getNullCount() > 0;
        }

        private long read(int row) {
            return switch (kind) {
                case FLOAT4, FLOAT8 -> ColumnKind.normalizedBits(ColumnKind.readDouble(kind, data, row));
                case BIT -> ColumnKind.readBit(data, row);
                default -> ColumnKind.readLong(data, kind.width, row);
            };
        }

        @Override
        void hash(int n, long[] out, boolean combine) {
            if (!hasNulls && kind == ColumnKind.INT64) {
                for (int i = 0; i < n; i++) {
                    store(out, i, mix(data.getLong((long) i << 3)), combine);
                }
            } else if (!hasNulls && kind == ColumnKind.INT32) {
                for (int i = 0; i < n; i++) {
                    store(out, i, mix(data.getInt((long) i << 2)), combine);
                }
            } else {
                for (int i = 0; i < n; i++) {
                    store(out, i, hasNulls && ColumnKind.isNull(validity, i) ? NULL_HASH : mix(read(i)), combine);
                }
            }
        }

        @Override
        int size() {
            return size;
        }

        @Override
        void append(int[] rows, int count) {
            if (size + count > values.length) {
                int n = grow(values.length, size + count);
                values = Arrays.copyOf(values, n);
                nulls = Arrays.copyOf(nulls, n);
            }
            for (int k = 0; k < count; k++) {
                int row = rows[k];
                if (hasNulls && ColumnKind.isNull(validity, row)) {
                    nulls[size] = true;
                } else {
                    values[size] = read(row);
                }
                size++;
            }
        }

        @Override
        void equal(int[] rows, int[] entries, int count, boolean[] eq) {
            if (!hasNulls && kind == ColumnKind.INT64) {
                for (int k = 0; k < count; k++) {
                    int e = entries[k];
                    eq[k] &= values[e] == data.getLong((long) rows[k] << 3) & !nulls[e];
                }
            } else if (!hasNulls && kind == ColumnKind.INT32) {
                for (int k = 0; k < count; k++) {
                    int e = entries[k];
                    eq[k] &= values[e] == data.getInt((long) rows[k] << 2) & !nulls[e];
                }
            } else {
                for (int k = 0; k < count; k++) {
                    if (eq[k]) {
                        eq[k] = equalOne(rows[k], entries[k]);
                    }
                }
            }
        }

        @Override
        boolean equalOne(int row, int entry) {
            boolean rowNull = hasNulls && ColumnKind.isNull(validity, row);
            if (rowNull || nulls[entry]) {
                return rowNull && nulls[entry];
            }
            return values[entry] == read(row);
        }

        @Override
        void write(FieldVector out, int[] order, int from, int count) {
            ColumnKind.allocateFixed(out, count);
            for (int i = 0; i < count; i++) {
                int e = order == null ? from + i : order[from + i];
                if (nulls[e]) {
                    continue;
                }
                if (kind.isFloating()) {
                    ColumnKind.writeDouble(kind, out, i, Double.longBitsToDouble(values[e]));
                } else {
                    ColumnKind.writeLongLike(kind, out, i, values[e]);
                }
            }
            out.setValueCount(count);
        }

        @Override
        void clear() {
            values = new long[0];
            nulls = new boolean[0];
            size = 0;
        }
    }

    /** DECIMAL(p ≤ 38) keys, stored as the two longs of the 128-bit unscaled value. */
    static final class DecimalKeys extends KeyColumn {
        private long[] lo = new long[0];
        private long[] hi = new long[0];
        private boolean[] nulls = new boolean[0];
        private int size;
        private ArrowBuf data;
        private ArrowBuf validity;
        private boolean hasNulls;

        @Override
        void bind(FieldVector v) {
            data = v.getDataBuffer();
            validity = v.getValidityBuffer();
            hasNulls = v.getNullCount() > 0;
        }

        @Override
        void hash(int n, long[] out, boolean combine) {
            for (int i = 0; i < n; i++) {
                long h;
                if (hasNulls && ColumnKind.isNull(validity, i)) {
                    h = NULL_HASH;
                } else {
                    long at = (long) i << 4;
                    h = mix(data.getLong(at) + mix(data.getLong(at + 8)));
                }
                store(out, i, h, combine);
            }
        }

        @Override
        int size() {
            return size;
        }

        @Override
        void append(int[] rows, int count) {
            if (size + count > lo.length) {
                int n = grow(lo.length, size + count);
                lo = Arrays.copyOf(lo, n);
                hi = Arrays.copyOf(hi, n);
                nulls = Arrays.copyOf(nulls, n);
            }
            for (int k = 0; k < count; k++) {
                int row = rows[k];
                if (hasNulls && ColumnKind.isNull(validity, row)) {
                    nulls[size] = true;
                } else {
                    long at = (long) row << 4;
                    lo[size] = data.getLong(at);
                    hi[size] = data.getLong(at + 8);
                }
                size++;
            }
        }

        @Override
        void equal(int[] rows, int[] entries, int count, boolean[] eq) {
            for (int k = 0; k < count; k++) {
                if (eq[k]) {
                    eq[k] = equalOne(rows[k], entries[k]);
                }
            }
        }

        @Override
        boolean equalOne(int row, int entry) {
            boolean rowNull = hasNulls && ColumnKind.isNull(validity, row);
            if (rowNull || nulls[entry]) {
                return rowNull && nulls[entry];
            }
            long at = (long) row << 4;
            return lo[entry] == data.getLong(at) && hi[entry] == data.getLong(at + 8);
        }

        @Override
        void write(FieldVector out, int[] order, int from, int count) {
            ColumnKind.allocateFixed(out, count);
            for (int i = 0; i < count; i++) {
                int e = order == null ? from + i : order[from + i];
                if (!nulls[e]) {
                    ColumnKind.writeInt128(out, i, hi[e], lo[e]);
                }
            }
            out.setValueCount(count);
        }

        @Override
        void clear() {
            lo = new long[0];
            hi = new long[0];
            nulls = new boolean[0];
            size = 0;
        }
    }

    /**
     * VARCHAR and VARBINARY keys: all bytes in one growable array, compared as bytes. Short values (at most
     * {@value #MAX_PACKED} bytes, like TPC-H's flags and statuses) also get a <em>code</em>: their bytes and
     * length packed into one long, so that hashing and comparing them is one long operation. When every row of
     * a batch is short ({@link #hash} finds out), rows are compared with entries by code alone; NULL has a code
     * of its own and an entry too long to pack one no short row can have.
     */
    static final class BytesKeys extends KeyColumn {
        private static final VarHandle LONGS =
                MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
        static final int MAX_PACKED = 7;
        private static final long NULL_CODE = 0xFEL << 56;
        private static final long LONG_CODE = -1L;

        private byte[] bytes = new byte[0];
        private int[] offsets = new int[1];
        private boolean[] nulls = new boolean[0];
        private long[] codes = new long[0];
        private int size;
        private ArrowBuf data;
        private ArrowBuf rowOffsets;
        private ArrowBuf validity;
        private boolean hasNulls;
        /** The codes of the bound rows, valid when {@link #packed}. */
        private long[] rowCodes = new long[0];
        private boolean packed;

        @Override
        void bind(FieldVector v) {
            data = v.getDataBuffer();
            rowOffsets = v.getOffsetBuffer();
            validity = v.getValidityBuffer();
            hasNulls = v.getNullCount() > 0;
            packed = false;
        }

        /** Bytes and length of a value of at most {@value #MAX_PACKED} bytes in one long. */
        private static long pack(ArrowBuf data, int start, int len) {
            long bits;
            if ((long) start + 8 <= data.capacity()) {
                bits = data.getLong(start) & ((1L << (len << 3)) - 1);
            } else {
                bits = 0;
                for (int i = 0; i < len; i++) {
                    bits |= (data.getByte(start + i) & 0xFFL) << (i << 3);
                }
            }
            return bits | ((long) len << 56);
        }

        /** The code of bound row {@code row} (computed, not from {@link #rowCodes}). */
        private long codeOf(int row) {
            if (hasNulls && ColumnKind.isNull(validity, row)) {
                return NULL_CODE;
            }
            int start = rowOffsets.getInt((long) row << 2);
            int len = rowOffsets.getInt((long) (row + 1) << 2) - start;
            return len <= MAX_PACKED ? pack(data, start, len) : LONG_CODE;
        }

        @Override
        void hash(int n, long[] out, boolean combine) {
            if (rowCodes.length < n) {
                rowCodes = new long[Math.max(n, 16)];
            }
            long[] rc = rowCodes;
            boolean allShort = true;
            int start = rowOffsets.getInt(0);
            for (int i = 0; i < n; i++) {
                int end = rowOffsets.getInt((long) (i + 1) << 2);
                int len = end - start;
                long h;
                if (hasNulls && ColumnKind.isNull(validity, i)) {
                    rc[i] = NULL_CODE;
                    h = NULL_HASH;
                } else if (len <= MAX_PACKED) {
                    long code = pack(data, start, len);
                    rc[i] = code;
                    h = mix(code);
                } else {
                    allShort = false;
                    h = XxHash64.hashBytes(data, start, len);
                }
                store(out, i, h, combine);
                start = end;
            }
            packed = allShort;
        }

        @Override
        int size() {
            return size;
        }

        @Override
        void append(int[] rows, int count) {
            if (size + count + 1 > offsets.length) {
                int n = grow(offsets.length, size + count + 1);
                offsets = Arrays.copyOf(offsets, n);
                nulls = Arrays.copyOf(nulls, n);
                codes = Arrays.copyOf(codes, n);
            }
            for (int k = 0; k < count; k++) {
                int row = rows[k];
                int end = offsets[size];
                codes[size] = packed ? rowCodes[row] : codeOf(row);
                if (hasNulls && ColumnKind.isNull(validity, row)) {
                    nulls[size] = true;
                } else {
                    int start = rowOffsets.getInt((long) row << 2);
                    int len = rowOffsets.getInt((long) (row + 1) << 2) - start;
                    if (end + len > bytes.length) {
                        long want = Math.max((long) end + len, (long) bytes.length * 2);
                        if (want > Integer.MAX_VALUE - 16) {
                            want = (long) end + len;
                            if (want > Integer.MAX_VALUE - 16) {
                                throw new dev.numbat.core.NumbatException(dev.numbat.core.ErrorCode.RESOURCE_EXHAUSTED,
                                        "group keys exceed 2 GB of string data in one aggregate channel");
                            }
                        }
                        bytes = Arrays.copyOf(bytes, (int) Math.max(want, 64));
                    }
                    data.getBytes(start, bytes, end, len);
                    end += len;
                }
                offsets[size + 1] = end;
                size++;
            }
        }

        @Override
        void equal(int[] rows, int[] entries, int count, boolean[] eq) {
            if (packed) {
                long[] rc = rowCodes;
                long[] ec = codes;
                for (int k = 0; k < count; k++) {
                    eq[k] &= ec[entries[k]] == rc[rows[k]];
                }
                return;
            }
            for (int k = 0; k < count; k++) {
                if (eq[k]) {
                    eq[k] = equalOne(rows[k], entries[k]);
                }
            }
        }

        @Override
        boolean equalOne(int row, int entry) {
            if (packed) {
                return codes[entry] == rowCodes[row];
            }
            boolean rowNull = hasNulls && ColumnKind.isNull(validity, row);
            if (rowNull || nulls[entry]) {
                return rowNull && nulls[entry];
            }
            int start = rowOffsets.getInt((long) row << 2);
            int len = rowOffsets.getInt((long) (row + 1) << 2) - start;
            int at = offsets[entry];
            if (offsets[entry + 1] - at != len) {
                return false;
            }
            int i = 0;
            for (; i + 8 <= len; i += 8) {
                if ((long) LONGS.get(bytes, at + i) != data.getLong(start + i)) {
                    return false;
                }
            }
            for (; i < len; i++) {
                if (bytes[at + i] != data.getByte(start + i)) {
                    return false;
                }
            }
            return true;
        }

        @Override
        void write(FieldVector out, int[] order, int from, int count) {
            BaseVariableWidthVector v = (BaseVariableWidthVector) out;
            long total = 0;
            for (int i = 0; i < count; i++) {
                int e = order == null ? from + i : order[from + i];
                total += offsets[e + 1] - offsets[e];
            }
            v.allocateNew(Math.max(total, 1), Math.max(count, 1));
            for (int i = 0; i < count; i++) {
                int e = order == null ? from + i : order[from + i];
                if (!nulls[e]) {
                    v.setSafe(i, bytes, offsets[e], offsets[e + 1] - offsets[e]);
                }
            }
            v.setValueCount(count);
        }

        @Override
        void clear() {
            bytes = new byte[0];
            offsets = new int[1];
            nulls = new boolean[0];
            codes = new long[0];
            rowCodes = new long[0];
            size = 0;
        }
    }

    /**
     * Group ids as a key (for per-group distinct sets): bound to an {@code int[]} of group ids indexed by row
     * instead of a vector. Never NULL and never written out; {@link #group} reads an entry back.
     */
    static final class GroupIdKeys extends KeyColumn {
        private int[] values = new int[0];
        private int size;
        private int[] bound;

        @Override
        void bind(FieldVector v) {
            throw new UnsupportedOperationException("bind group ids with bindIds");
        }

        void bindIds(int[] ids) {
            bound = ids;
        }

        int group(int entry) {
            return values[entry];
        }

        @Override
        void hash(int n, long[] out, boolean combine) {
            for (int i = 0; i < n; i++) {
                store(out, i, mix(bound[i]), combine);
            }
        }

        @Override
        int size() {
            return size;
        }

        @Override
        void append(int[] rows, int count) {
            if (size + count > values.length) {
                values = Arrays.copyOf(values, grow(values.length, size + count));
            }
            for (int k = 0; k < count; k++) {
                values[size++] = bound[rows[k]];
            }
        }

        @Override
        void equal(int[] rows, int[] entries, int count, boolean[] eq) {
            for (int k = 0; k < count; k++) {
                eq[k] &= values[entries[k]] == bound[rows[k]];
            }
        }

        @Override
        boolean equalOne(int row, int entry) {
            return values[entry] == bound[row];
        }

        @Override
        void write(FieldVector out, int[] order, int from, int count) {
            throw new UnsupportedOperationException("group ids are not written out");
        }

        @Override
        void clear() {
            values = new int[0];
            size = 0;
        }
    }
}
