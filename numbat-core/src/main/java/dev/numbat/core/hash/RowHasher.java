package dev.numbat.core.hash;

import dev.numbat.core.NumbatException;
import java.io.Serial;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Computes one 64-bit hash per row over key columns of a batch, a column at a time in tight loops over the
 * Arrow buffers. Hash partitioning, hash aggregation and hash joins all use it, so a row is hashed once and
 * the hash reused ("hash once" in DESIGN.md).
 *
 * <h2>Stability</h2>
 * The hash of a value depends only on the value: it is the same in every batch, vector, process, machine and
 * Numbat version. The cluster relies on this (a row's consumer is computed independently on every executor,
 * and lineage replay must route exactly as the first run did), so the functions below must never change;
 * {@code RowHasherTest} pins known values.
 *
 * <h2>Per-value hash (single column)</h2>
 * All value hashes are xxHash64 with seed 0 (see {@link XxHash64}):
 * <ul>
 *   <li>TINYINT, SMALLINT, INT, BIGINT, UINT1/2/4 (zero-extended), UINT8 (its bits), DATE (days) and
 *       INTERVAL YEAR hash as the sign-extended {@code long} value, so an INT key and a BIGINT key with equal
 *       values hash equal;</li>
 *   <li>DATE (milliseconds), TIME, TIMESTAMP (any unit, with or without zone) and DURATION hash their stored
 *       {@code long} (or {@code int} for TIME(s/ms)) value; units are not converted;</li>
 *   <li>FLOAT and DOUBLE hash the bits of the value as a {@code double}, with {@code -0.0} taken as
 *       {@code 0.0} and every NaN as the canonical NaN (so FLOAT 1.5 and DOUBLE 1.5 hash equal);</li>
 *   <li>DECIMAL (128-bit) hashes its unscaled value's two longs: the same value at the same scale hashes
 *       equal whatever the precision;</li>
 *   <li>VARCHAR, LARGEVARCHAR, VARBINARY, LARGEVARBINARY and FIXEDSIZEBINARY hash their bytes (so a string
 *       and its UTF-8 bytes as binary hash equal);</li>
 *   <li>BOOLEAN hashes as the long 1 or 0;</li>
 *   <li>NULL (of any type) hashes to {@link #NULL_HASH}.</li>
 * </ul>
 * Other types (nested, unions, DECIMAL256, intervals with days, views) are a {@code USER_ERROR}.
 *
 * <h2>Several columns</h2>
 * {@code h = hash(c0)}, then for each further column {@code h = combine(h, hash(ci))} with
 * {@link #combine}. The order of the columns matters.
 *
 * <p>All bits are well mixed. By convention partitioning uses the high 32 bits (see
 * {@code HashPartitioner.consumerOf}) and in-channel hash tables use the low bits, so the rows that reach
 * one channel still spread over its hash table.
 *
 * <p>Instances are immutable, thread-safe and serializable (they hold column names only).
 */
public final class RowHasher implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    /** The hash of a NULL value of any type. */
    public static final long NULL_HASH = 0x2F0E1EBA9DD5C2B7L;

    private static final long COMBINE_PRIME = XxHash64.P1;

    private final String[] columns;

    private RowHasher(String[] columns) {
        this.columns = columns;
    }

    /** A hasher over the named columns, in that order. */
    public static RowHasher of(String... columns) {
        Objects.requireNonNull(columns, "columns");
        if (columns.length == 0) {
            throw NumbatException.userError("a row hash needs at least one column");
        }
        String[] copy = columns.clone();
        for (String c : copy) {
            Objects.requireNonNull(c, "column name");
        }
        return new RowHasher(copy);
    }

    /** A hasher over the named columns, in that order. */
    public static RowHasher of(List<String> columns) {
        return of(columns.toArray(new String[0]));
    }

    /** The key columns, in hashing order. */
    public List<String> columns() {
        return List.of(columns);
    }

    /** The hashes of the rows of {@code batch}, in a new array of length {@code batch.getRowCount()}. */
    public long[] hash(VectorSchemaRoot batch) {
        long[] out = new long[batch.getRowCount()];
        hash(batch, out);
        return out;
    }

    /** Writes the hashes of the rows of {@code batch} into {@code out[0 .. rowCount)}. */
    public void hash(VectorSchemaRoot batch, long[] out) {
        hashVectors(resolve(batch), batch.getRowCount(), out);
    }

    /** The key vectors of {@code batch}, in hashing order; a USER_ERROR names a missing column. */
    public List<FieldVector> resolve(VectorSchemaRoot batch) {
        List<FieldVector> vectors = new ArrayList<>(columns.length);
        for (String c : columns) {
            FieldVector v = batch.getVector(c);
            if (v == null) {
                throw NumbatException.userError("cannot hash on column '%s': no such column in %s", c,
                        batch.getSchema());
            }
            checkHashable(v);
            vectors.add(v);
        }
        return vectors;
    }

    /**
     * Hashes rows {@code 0 .. rowCount} of {@code vectors} (key columns, in order) into {@code out}; for
     * operators that hold key vectors rather than a batch (e.g. computed join keys).
     */
    public static void hashVectors(List<? extends FieldVector> vectors, int rowCount, long[] out) {
        if (out.length < rowCount) {
            throw new IllegalArgumentException("out has " + out.length + " slots for " + rowCount + " rows");
        }
        for (int c = 0; c < vectors.size(); c++) {
            hashColumn(vectors.get(c), rowCount, out, c > 0);
        }
    }

    /** Combines the hash so far of a row with the hash of its next key column. */
    public static long combine(long h, long columnHash) {
        return XxHash64.avalanche(h * COMBINE_PRIME + columnHash);
    }

    /**
     * Hashes rows {@code 0 .. rowCount} of one column: into {@code out} when {@code combine} is false,
     * otherwise {@link #combine combined} into the hashes already in {@code out}.
     */
    public static void hashColumn(FieldVector v, int rowCount, long[] out, boolean combine) {
        if (rowCount > v.getValueCount()) {
            throw new IllegalArgumentException("column '" + v.getName() + "' has " + v.getValueCount()
                    + " values, fewer than " + rowCount + " rows");
        }
        if (rowCount == 0) {
            return;
        }
        switch (v.getMinorType()) {
            case NULL -> {
                for (int i = 0; i < rowCount; i++) {
                    out[i] = combine ? combine(out[i], NULL_HASH) : NULL_HASH;
                }
            }
            case TINYINT -> hashInt8(v, rowCount, out, combine, false);
            case UINT1 -> hashInt8(v, rowCount, out, combine, true);
            case SMALLINT -> hashInt16(v, rowCount, out, combine, false);
            case UINT2 -> hashInt16(v, rowCount, out, combine, true);
            case INT, DATEDAY, TIMESEC, TIMEMILLI, INTERVALYEAR -> hashInt32(v, rowCount, out, combine, false);
            case UINT4 -> hashInt32(v, rowCount, out, combine, true);
            case BIGINT, UINT8, DATEMILLI, TIMEMICRO, TIMENANO, DURATION,
                    TIMESTAMPSEC, TIMESTAMPMILLI, TIMESTAMPMICRO, TIMESTAMPNANO,
                    TIMESTAMPSECTZ, TIMESTAMPMILLITZ, TIMESTAMPMICROTZ, TIMESTAMPNANOTZ ->
                    hashInt64(v, rowCount, out, combine);
            case FLOAT4 -> hashFloat4(v, rowCount, out, combine);
            case FLOAT8 -> hashFloat8(v, rowCount, out, combine);
            case BIT -> hashBit(v, rowCount, out, combine);
            case DECIMAL -> hashDecimal(v, rowCount, out, combine);
            case VARCHAR, VARBINARY -> hashVarWidth(v, rowCount, out, combine, false);
            case LARGEVARCHAR, LARGEVARBINARY -> hashVarWidth(v, rowCount, out, combine, true);
            case FIXEDSIZEBINARY -> hashFixedBinary(v, rowCount, out, combine);
            default -> throw unsupported(v);
        }
    }

    /** Throws the USER_ERROR {@link #hashColumn} would throw if {@code v}'s type cannot be hashed. */
    public static void checkHashable(FieldVector v) {
        switch (v.getMinorType()) {
            case NULL, TINYINT, UINT1, SMALLINT, UINT2, INT, DATEDAY, TIMESEC, TIMEMILLI, INTERVALYEAR, UINT4,
                    BIGINT, UINT8, DATEMILLI, TIMEMICRO, TIMENANO, DURATION,
                    TIMESTAMPSEC, TIMESTAMPMILLI, TIMESTAMPMICRO, TIMESTAMPNANO,
                    TIMESTAMPSECTZ, TIMESTAMPMILLITZ, TIMESTAMPMICROTZ, TIMESTAMPNANOTZ,
                    FLOAT4, FLOAT8, BIT, DECIMAL, VARCHAR, VARBINARY, LARGEVARCHAR, LARGEVARBINARY,
                    FIXEDSIZEBINARY -> {
            }
            default -> throw unsupported(v);
        }
    }

    private static NumbatException unsupported(FieldVector v) {
        return NumbatException.userError("cannot hash column '%s' of type %s", v.getName(), v.getField().getType());
    }

    private static boolean isNull(ArrowBuf validity, int i) {
        return (validity.getByte(i >>> 3) & (1 << (i & 7))) == 0;
    }

    private static void store(long[] out, int i, long h, boolean combine) {
        out[i] = combine ? combine(out[i], h) : h;
    }

    private static void hashInt8(FieldVector v, int n, long[] out, boolean combine, boolean unsigned) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        long mask = unsigned ? 0xFFL : -1L;
        for (int i = 0; i < n; i++) {
            long h = nulls && isNull(validity, i) ? NULL_HASH : XxHash64.hashLong(data.getByte(i) & mask);
            store(out, i, h, combine);
        }
    }

    private static void hashInt16(FieldVector v, int n, long[] out, boolean combine, boolean unsigned) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        long mask = unsigned ? 0xFFFFL : -1L;
        for (int i = 0; i < n; i++) {
            long h = nulls && isNull(validity, i) ? NULL_HASH
                    : XxHash64.hashLong(data.getShort((long) i << 1) & mask);
            store(out, i, h, combine);
        }
    }

    private static void hashInt32(FieldVector v, int n, long[] out, boolean combine, boolean unsigned) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        long mask = unsigned ? 0xFFFF_FFFFL : -1L;
        for (int i = 0; i < n; i++) {
            long h = nulls && isNull(validity, i) ? NULL_HASH
                    : XxHash64.hashLong(data.getInt((long) i << 2) & mask);
            store(out, i, h, combine);
        }
    }

    private static void hashInt64(FieldVector v, int n, long[] out, boolean combine) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        for (int i = 0; i < n; i++) {
            long h = nulls && isNull(validity, i) ? NULL_HASH : XxHash64.hashLong(data.getLong((long) i << 3));
            store(out, i, h, combine);
        }
    }

    /** The hash of a floating-point value: -0.0 as 0.0, every NaN alike. */
    public static long hashDouble(double d) {
        // d == 0.0 is true for -0.0 too; doubleToLongBits folds every NaN into the canonical one.
        return XxHash64.hashLong(Double.doubleToLongBits(d == 0.0 ? 0.0 : d));
    }

    private static void hashFloat4(FieldVector v, int n, long[] out, boolean combine) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        for (int i = 0; i < n; i++) {
            long h = nulls && isNull(validity, i) ? NULL_HASH : hashDouble(data.getFloat((long) i << 2));
            store(out, i, h, combine);
        }
    }

    private static void hashFloat8(FieldVector v, int n, long[] out, boolean combine) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        for (int i = 0; i < n; i++) {
            long h = nulls && isNull(validity, i) ? NULL_HASH : hashDouble(data.getDouble((long) i << 3));
            store(out, i, h, combine);
        }
    }

    private static void hashBit(FieldVector v, int n, long[] out, boolean combine) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        final long hashTrue = XxHash64.hashLong(1);
        final long hashFalse = XxHash64.hashLong(0);
        for (int i = 0; i < n; i++) {
            long h = nulls && isNull(validity, i) ? NULL_HASH
                    : (data.getByte(i >>> 3) & (1 << (i & 7))) != 0 ? hashTrue : hashFalse;
            store(out, i, h, combine);
        }
    }

    private static void hashDecimal(FieldVector v, int n, long[] out, boolean combine) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        for (int i = 0; i < n; i++) {
            long h;
            if (nulls && isNull(validity, i)) {
                h = NULL_HASH;
            } else {
                long at = (long) i << 4;
                h = XxHash64.hash128(data.getLong(at), data.getLong(at + 8));
            }
            store(out, i, h, combine);
        }
    }

    private static void hashVarWidth(FieldVector v, int n, long[] out, boolean combine, boolean large) {
        ArrowBuf offsets = v.getOffsetBuffer();
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        for (int i = 0; i < n; i++) {
            long h;
            if (nulls && isNull(validity, i)) {
                h = NULL_HASH;
            } else if (large) {
                long start = offsets.getLong((long) i << 3);
                h = XxHash64.hashBytes(data, start, offsets.getLong((long) (i + 1) << 3) - start);
            } else {
                int start = offsets.getInt((long) i << 2);
                h = XxHash64.hashBytes(data, start, offsets.getInt((long) (i + 1) << 2) - start);
            }
            store(out, i, h, combine);
        }
    }

    private static void hashFixedBinary(FieldVector v, int n, long[] out, boolean combine) {
        ArrowBuf data = v.getDataBuffer();
        ArrowBuf validity = v.getValidityBuffer();
        boolean nulls = v.getNullCount() > 0;
        long width = ((BaseFixedWidthVector) v).getTypeWidth();
        for (int i = 0; i < n; i++) {
            long h = nulls && isNull(validity, i) ? NULL_HASH : XxHash64.hashBytes(data, i * width, width);
            store(out, i, h, combine);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RowHasher other && java.util.Arrays.equals(columns, other.columns);
    }

    @Override
    public int hashCode() {
        return java.util.Arrays.hashCode(columns);
    }

    @Override
    public String toString() {
        return "RowHasher" + List.of(columns);
    }
}
