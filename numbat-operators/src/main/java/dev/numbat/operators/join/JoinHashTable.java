package dev.numbat.operators.join;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.hash.RowHasher;
import dev.numbat.operators.common.KeyValues;
import dev.numbat.operators.common.RowAddressGather;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.ByteFunctionHelpers;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The build side of a hash join: the build batches themselves, and a chained hash table over their rows held in
 * primitive arrays. Build rows get ids 0, 1, ... in arrival order; per id the table keeps the row's 64-bit hash
 * ({@link RowHasher}, so INT and BIGINT keys meet), the next id in its bucket's chain, and its
 * {@link RowAddressGather row address}. {@code heads} maps the low bits of a hash to the first id of a chain;
 * it doubles (re-linking from the stored hashes, never re-hashing data) whenever it is more than half full, so
 * rows can be added a batch at a time as they arrive. Rows with a NULL in any key are kept (an outer join emits
 * them) but not linked, so they never match.
 *
 * <p>The key values are also read once into primitive arrays ({@link KeyColumn}), so checking that a candidate
 * with an equal hash really has equal keys touches no Arrow buffer except for strings, and is done a key column
 * at a time over a whole list of candidates ({@link #retainEqualKeys}).
 *
 * <p>The table owns its batches and closes them in {@link #close}. Not thread-safe.
 */
final class JoinHashTable implements AutoCloseable {
    static final int END = -1;
    private static final int NOT_LINKED = -2;
    private static final int INITIAL_HEADS = 1024;

    private final int[] keyColumns;
    private final List<VectorSchemaRoot> batches = new ArrayList<>();
    private Schema schema;
    private KeyColumn[] keys;

    private long[] hashes = new long[0];
    private int[] next = new int[0];
    private long[] addresses = new long[0];
    private int size;

    private int[] heads;
    private int mask;
    private int linked;

    // The probe batch the key columns are bound to.
    private long[] probeHashes = new long[0];
    private boolean[] probeNullKey = new boolean[0];
    private boolean probeHasNullKey;

    JoinHashTable(int[] keyColumns) {
        this.keyColumns = keyColumns.clone();
        this.heads = new int[INITIAL_HEADS];
        Arrays.fill(heads, END);
        this.mask = INITIAL_HEADS - 1;
    }

    /** Build rows held. */
    int size() {
        return size;
    }

    List<VectorSchemaRoot> batches() {
        return batches;
    }

    /** The schema of the first build batch, or null when none arrived. */
    Schema schema() {
        return schema;
    }

    long address(int id) {
        return addresses[id];
    }

    /** How many slots the bucket array has now (for tests of growth). */
    int bucketCount() {
        return heads.length;
    }

    /** Takes ownership of {@code batch} (also when this throws), hashes its keys and links its rows. */
    void add(VectorSchemaRoot batch) {
        try {
            int n = batch.getRowCount();
            List<FieldVector> keyVectors = keyVectors(batch, keyColumns, "build");
            if (keys == null) {
                schema = batch.getSchema();
                keys = new KeyColumn[keyVectors.size()];
                for (int k = 0; k < keys.length; k++) {
                    keys[k] = KeyColumn.of(keyVectors.get(k), this);
                }
            }
            ensureCapacity(size + n);
            int batchIndex = batches.size();
            long[] h = new long[n];
            hash(keyVectors, n, h);
            boolean[] nullKey = new boolean[n];
            boolean anyNull = nullKeys(keyVectors, n, nullKey);
            for (int k = 0; k < keys.length; k++) {
                keys[k].readBuild(keyVectors.get(k), n, size, batchIndex);
            }
            batches.add(batch);
            for (int i = 0; i < n; i++) {
                int id = size + i;
                hashes[id] = h[i];
                addresses[id] = RowAddressGather.address(batchIndex, i);
                next[id] = NOT_LINKED;
            }
            int first = size;
            size += n;
            for (int id = first; id < size; id++) {
                if (!anyNull || !nullKey[id - first]) {
                    if (++linked > heads.length >>> 1) {
                        growHeads();
                    }
                    link(id);
                }
            }
        } catch (RuntimeException | Error e) {
            if (batches.isEmpty() || batches.get(batches.size() - 1) != batch) {
                batch.close();
            }
            throw e;
        }
    }

    private void link(int id) {
        int bucket = (int) hashes[id] & mask;
        next[id] = heads[bucket];
        heads[bucket] = id;
    }

    private void growHeads() {
        int capacity = heads.length << 1;
        if (capacity <= 0) {
            throw new NumbatException(ErrorCode.RESOURCE_EXHAUSTED,
                    "hash join build side has too many rows: " + size);
        }
        heads = new int[capacity];
        Arrays.fill(heads, END);
        mask = capacity - 1;
        // Re-link the rows linked so far (the caller links the current one next); ids ascend, so each chain
        // ends up newest first, as it was.
        for (int id = 0; id < size; id++) {
            if (next[id] != NOT_LINKED) {
                link(id);
            }
        }
    }

    private void ensureCapacity(int needed) {
        if (needed <= hashes.length) {
            return;
        }
        int capacity = (int) Math.min(Integer.MAX_VALUE - 8, Math.max(needed, hashes.length * 3L / 2 + 1024));
        if (needed > capacity) {
            throw new NumbatException(ErrorCode.RESOURCE_EXHAUSTED,
                    "hash join build side has more than " + capacity + " rows");
        }
        hashes = Arrays.copyOf(hashes, capacity);
        next = Arrays.copyOf(next, capacity);
        addresses = Arrays.copyOf(addresses, capacity);
        for (KeyColumn k : keys) {
            k.growBuild(capacity);
        }
    }

    // ---- probing ----

    /**
     * Reads the key columns of a probe batch: their hashes ({@link #probeHash}), which rows have a NULL key
     * ({@link #probeHasNullKey}) and their values for {@link #keysEqual} and {@link #retainEqualKeys}. Only valid
     * once a build batch has arrived (the key types are known).
     */
    void bindProbe(VectorSchemaRoot probe, int[] probeKeyColumns) {
        int n = probe.getRowCount();
        List<FieldVector> keyVectors = keyVectors(probe, probeKeyColumns, "probe");
        if (probeHashes.length < n) {
            probeHashes = new long[n];
            probeNullKey = new boolean[n];
        }
        hash(keyVectors, n, probeHashes);
        probeHasNullKey = nullKeys(keyVectors, n, probeNullKey);
        for (int k = 0; k < keys.length; k++) {
            keys[k].readProbe(keyVectors.get(k), n);
        }
    }

    /** Throws a USER_ERROR naming the first pair of key columns whose types cannot be compared. */
    void checkProbeTypes(Schema probeSchema, int[] probeKeyColumns) {
        if (schema == null) {
            return;
        }
        for (int k = 0; k < keyColumns.length; k++) {
            checkComparable(k, probeSchema.getFields().get(probeKeyColumns[k]),
                    schema.getFields().get(keyColumns[k]));
        }
    }

    long probeHash(int row) {
        return probeHashes[row];
    }

    boolean probeNullKey(int row) {
        return probeHasNullKey && probeNullKey[row];
    }

    /** The first build id whose hash falls in {@code hash}'s bucket, or {@link #END}. */
    int first(long hash) {
        return heads[(int) hash & mask];
    }

    /** The build id after {@code id} in its bucket, or {@link #END}. */
    int next(int id) {
        return next[id];
    }

    long hash(int id) {
        return hashes[id];
    }

    /** Whether probe row {@code probeRow} of the bound batch and build row {@code id} have equal keys. */
    boolean keysEqual(int probeRow, int id) {
        for (KeyColumn k : keys) {
            if (!k.equal(probeRow, id)) {
                return false;
            }
        }
        return true;
    }

    /**
     * Keeps, in order, the candidate pairs {@code (probeRows[i], ids[i])}, {@code i < count}, whose keys are
     * equal, moving them to the front of both arrays; returns how many there are.
     */
    int retainEqualKeys(int[] probeRows, int[] ids, int count) {
        for (KeyColumn k : keys) {
            count = k.retainEqual(probeRows, ids, count);
        }
        return count;
    }

    @Override
    public void close() {
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
        hashes = new long[0];
        next = new int[0];
        addresses = new long[0];
        keys = null;
        if (failure != null) {
            throw failure;
        }
    }

    // ---- helpers ----

    private static List<FieldVector> keyVectors(VectorSchemaRoot batch, int[] columns, String side) {
        List<FieldVector> vectors = new ArrayList<>(columns.length);
        for (int c : columns) {
            if (c >= batch.getFieldVectors().size()) {
                throw NumbatException.userError("join key column %d is outside the %d columns of the %s side: %s",
                        c, batch.getFieldVectors().size(), side, batch.getSchema());
            }
            FieldVector v = batch.getVector(c);
            RowHasher.checkHashable(v);
            KeyValues.kindOf(v);
            vectors.add(v);
        }
        return vectors;
    }

    private static void hash(List<FieldVector> keyVectors, int n, long[] out) {
        if (keyVectors.isEmpty()) {
            // No equi keys (a cross or pure theta join): every row is in one bucket.
            Arrays.fill(out, 0, n, 0L);
        } else {
            RowHasher.hashVectors(keyVectors, n, out);
        }
    }

    private static boolean nullKeys(List<FieldVector> keyVectors, int n, boolean[] out) {
        Arrays.fill(out, 0, n, false);
        boolean any = false;
        for (FieldVector v : keyVectors) {
            if (v.getNullCount() > 0) {
                any = true;
                for (int i = 0; i < n; i++) {
                    out[i] |= v.isNull(i);
                }
            }
        }
        return any;
    }

    /**
     * Throws a USER_ERROR unless a probe key of type {@code probe} can be compared with a build key of type
     * {@code build}: any two integers, any two floating-point types, decimals of equal scale, any two of
     * string/binary, otherwise equal types.
     */
    static void checkComparable(int key, Field probe, Field build) {
        ArrowType p = probe.getType();
        ArrowType b = build.getType();
        boolean ok;
        if (p instanceof ArrowType.Int && b instanceof ArrowType.Int) {
            ok = true;
        } else if (p instanceof ArrowType.FloatingPoint && b instanceof ArrowType.FloatingPoint) {
            ok = true;
        } else if (p instanceof ArrowType.Decimal pd && b instanceof ArrowType.Decimal bd) {
            ok = pd.getScale() == bd.getScale() && pd.getBitWidth() == 128 && bd.getBitWidth() == 128;
        } else if (isBytes(p) && isBytes(b)) {
            ok = true;
        } else {
            ok = p.equals(b);
        }
        if (!ok) {
            throw NumbatException.userError("join key %d compares probe column '%s' of type %s with build column "
                    + "'%s' of type %s; cast them to one type first", key, probe.getName(), p, build.getName(), b);
        }
    }

    private static boolean isBytes(ArrowType t) {
        return t instanceof ArrowType.Utf8 || t instanceof ArrowType.LargeUtf8 || t instanceof ArrowType.Binary
                || t instanceof ArrowType.LargeBinary;
    }

    /** One equi-key column: its build values by row id and the bound probe batch's values by row. */
    private abstract static class KeyColumn {
        static KeyColumn of(FieldVector build, JoinHashTable owner) {
            return switch (KeyValues.kindOf(build)) {
                case LONG, DOUBLE -> new LongKey();
                case DECIMAL -> new DecimalKey();
                case BYTES, LARGE_BYTES -> new BytesKey(owner);
            };
        }

        abstract void growBuild(int capacity);

        abstract void readBuild(FieldVector v, int n, int at, int batchIndex);

        abstract void readProbe(FieldVector v, int n);

        abstract boolean equal(int probeRow, int id);

        abstract int retainEqual(int[] probeRows, int[] ids, int count);
    }

    /** Integers, dates, times, booleans as their value; floats as the bits of their canonical double. */
    private static final class LongKey extends KeyColumn {
        long[] build = new long[0];
        long[] probe = new long[0];
        double[] scratch = new double[0];

        @Override
        void growBuild(int capacity) {
            build = Arrays.copyOf(build, capacity);
        }

        private void read(FieldVector v, int n, long[] out, int at) {
            if (KeyValues.kindOf(v) == KeyValues.Kind.DOUBLE) {
                if (scratch.length < n) {
                    scratch = new double[n];
                }
                KeyValues.readDoubles(v, n, scratch, 0);
                for (int i = 0; i < n; i++) {
                    out[at + i] = Double.doubleToRawLongBits(scratch[i]);
                }
            } else {
                KeyValues.readLongs(v, n, out, at);
            }
        }

        @Override
        void readBuild(FieldVector v, int n, int at, int batchIndex) {
            read(v, n, build, at);
        }

        @Override
        void readProbe(FieldVector v, int n) {
            if (probe.length < n) {
                probe = new long[n];
            }
            read(v, n, probe, 0);
        }

        @Override
        boolean equal(int probeRow, int id) {
            return probe[probeRow] == build[id];
        }

        @Override
        int retainEqual(int[] probeRows, int[] ids, int count) {
            int kept = 0;
            for (int i = 0; i < count; i++) {
                int p = probeRows[i];
                int id = ids[i];
                if (probe[p] == build[id]) {
                    probeRows[kept] = p;
                    ids[kept] = id;
                    kept++;
                }
            }
            return kept;
        }
    }

    /** 128-bit decimals of one scale, as two longs. */
    private static final class DecimalKey extends KeyColumn {
        long[] buildHigh = new long[0];
        long[] buildLow = new long[0];
        long[] probeHigh = new long[0];
        long[] probeLow = new long[0];

        @Override
        void growBuild(int capacity) {
            buildHigh = Arrays.copyOf(buildHigh, capacity);
            buildLow = Arrays.copyOf(buildLow, capacity);
        }

        @Override
        void readBuild(FieldVector v, int n, int at, int batchIndex) {
            KeyValues.readDecimals(v, n, buildHigh, buildLow, at);
        }

        @Override
        void readProbe(FieldVector v, int n) {
            if (probeHigh.length < n) {
                probeHigh = new long[n];
                probeLow = new long[n];
            }
            KeyValues.readDecimals(v, n, probeHigh, probeLow, 0);
        }

        @Override
        boolean equal(int probeRow, int id) {
            return probeLow[probeRow] == buildLow[id] && probeHigh[probeRow] == buildHigh[id];
        }

        @Override
        int retainEqual(int[] probeRows, int[] ids, int count) {
            int kept = 0;
            for (int i = 0; i < count; i++) {
                int p = probeRows[i];
                int id = ids[i];
                if (probeLow[p] == buildLow[id] && probeHigh[p] == buildHigh[id]) {
                    probeRows[kept] = p;
                    ids[kept] = id;
                    kept++;
                }
            }
            return kept;
        }
    }

    /** Strings and binaries, compared byte for byte in their Arrow buffers. */
    private static final class BytesKey extends KeyColumn {
        private final JoinHashTable owner;
        private ArrowBuf[] buildOffsetArray = new ArrowBuf[8];
        private ArrowBuf[] buildDataArray = new ArrowBuf[8];
        private boolean[] buildLargeArray = new boolean[8];
        private ArrowBuf probeOffsets;
        private ArrowBuf probeData;
        private boolean probeLarge;

        BytesKey(JoinHashTable owner) {
            this.owner = owner;
        }

        @Override
        void growBuild(int capacity) {
        }

        @Override
        void readBuild(FieldVector v, int n, int at, int batchIndex) {
            if (batchIndex >= buildOffsetArray.length) {
                int capacity = Math.max(batchIndex + 1, buildOffsetArray.length * 2);
                buildOffsetArray = Arrays.copyOf(buildOffsetArray, capacity);
                buildDataArray = Arrays.copyOf(buildDataArray, capacity);
                buildLargeArray = Arrays.copyOf(buildLargeArray, capacity);
            }
            buildOffsetArray[batchIndex] = v.getOffsetBuffer();
            buildDataArray[batchIndex] = v.getDataBuffer();
            buildLargeArray[batchIndex] = KeyValues.kindOf(v) == KeyValues.Kind.LARGE_BYTES;
        }

        @Override
        void readProbe(FieldVector v, int n) {
            probeOffsets = v.getOffsetBuffer();
            probeData = v.getDataBuffer();
            probeLarge = KeyValues.kindOf(v) == KeyValues.Kind.LARGE_BYTES;
        }

        private static long start(ArrowBuf offsets, boolean large, long row) {
            return large ? offsets.getLong(row << 3) : offsets.getInt(row << 2);
        }

        @Override
        boolean equal(int probeRow, int id) {
            long address = owner.addresses[id];
            int b = RowAddressGather.batchOf(address);
            long r = RowAddressGather.rowOf(address);
            ArrowBuf bo = buildOffsetArray[b];
            boolean bl = buildLargeArray[b];
            long bStart = start(bo, bl, r);
            long bEnd = start(bo, bl, r + 1);
            long pStart = start(probeOffsets, probeLarge, probeRow);
            long pEnd = start(probeOffsets, probeLarge, probeRow + 1L);
            if (bEnd - bStart != pEnd - pStart) {
                return false;
            }
            return bEnd == bStart
                    || ByteFunctionHelpers.equal(probeData, pStart, pEnd, buildDataArray[b], bStart, bEnd) == 1;
        }

        @Override
        int retainEqual(int[] probeRows, int[] ids, int count) {
            int kept = 0;
            for (int i = 0; i < count; i++) {
                int p = probeRows[i];
                int id = ids[i];
                if (equal(p, id)) {
                    probeRows[kept] = p;
                    ids[kept] = id;
                    kept++;
                }
            }
            return kept;
        }
    }
}
