package dev.numbat.operators.common;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Copies rows picked from <em>several</em> batches into one new batch: the multi-batch sibling of
 * {@code Batches.gather}, for operators that keep a list of batches as state (sort and top-k buffers, hash-join
 * build sides) and emit rows of many of them in one output batch.
 *
 * <p>A row is named by a <b>row address</b>: {@code (batchIndex << 32) | rowIndex} (see {@link #address}); a
 * negative address stands for a NULL row, which is how outer joins pad the missing side. Fixed-width columns
 * copy each value with one buffer read and write of their width, booleans copy bits, variable-width columns sum
 * the lengths first and allocate once; validity is assembled eight rows to a byte. Other vectors fall back to
 * {@code copyFromSafe}.
 *
 * <p>This belongs next to {@code Batches.gather} in numbat-core once the operator work settles.
 */
public final class RowAddressGather {
    /** The address of a row that is NULL in every column. */
    public static final long NULL_ROW = -1L;

    private RowAddressGather() {
    }

    /** The address of row {@code row} of batch number {@code batch}. */
    public static long address(int batch, int row) {
        return ((long) batch << 32) | (row & 0xFFFF_FFFFL);
    }

    public static int batchOf(long address) {
        return (int) (address >>> 32);
    }

    public static int rowOf(long address) {
        return (int) address;
    }

    /**
     * One column of every batch of a list, with the buffers a gather reads looked up once: build it when the
     * list is complete and reuse it for every output batch.
     */
    public static final class Source {
        private final FieldVector[] vectors;
        private final Class<?> vectorClass;
        private final ArrowBuf[] data;
        private final ArrowBuf[] offsets;
        private final ArrowBuf[] validity;
        private final boolean[] allValid;

        private Source(FieldVector[] vectors) {
            this.vectors = vectors.clone();
            int n = vectors.length;
            data = new ArrowBuf[n];
            offsets = new ArrowBuf[n];
            validity = new ArrowBuf[n];
            allValid = new boolean[n];
            Class<?> cls = n == 0 ? null : vectors[0].getClass();
            for (int b = 0; b < n; b++) {
                FieldVector v = vectors[b];
                if (v.getClass() != cls) {
                    cls = Object.class;
                }
                validity[b] = v.getValidityBuffer();
                allValid[b] = v.getNullCount() == 0;
                if (v instanceof BaseFixedWidthVector || v instanceof BitVector) {
                    data[b] = v.getDataBuffer();
                } else if (v instanceof BaseVariableWidthVector || v instanceof BaseLargeVariableWidthVector) {
                    data[b] = v.getDataBuffer();
                    offsets[b] = v.getOffsetBuffer();
                }
            }
            this.vectorClass = cls;
        }

        /** The column's vector in each batch, in batch order (none for a side that has no rows at all). */
        public static Source of(FieldVector... vectors) {
            return new Source(vectors);
        }

        /** Column {@code column} of every batch of {@code batches}. */
        public static Source of(List<VectorSchemaRoot> batches, int column) {
            FieldVector[] vectors = new FieldVector[batches.size()];
            for (int b = 0; b < vectors.length; b++) {
                vectors[b] = batches.get(b).getVector(column);
            }
            return new Source(vectors);
        }

        /** Every column of {@code batches}, in order; {@code columns} is the number of columns. */
        public static Source[] ofColumns(List<VectorSchemaRoot> batches, int columns) {
            Source[] out = new Source[columns];
            for (int c = 0; c < columns; c++) {
                out[c] = of(batches, c);
            }
            return out;
        }

        /** True if every vector is of class {@code cls} (vacuously when there are none). */
        private boolean all(Class<?> cls) {
            return vectorClass == null || vectorClass == cls;
        }
    }

    /**
     * A new batch of {@code schema} whose row {@code i} is row {@code addresses[offset + i]} of {@code batches}
     * (column {@code c} of the output from column {@code c} of the source batch), for {@code i < count}.
     */
    public static VectorSchemaRoot gather(Schema schema, List<VectorSchemaRoot> batches, long[] addresses,
                                          int offset, int count, BufferAllocator allocator) {
        return gather(schema, Source.ofColumns(batches, schema.getFields().size()), addresses, offset, count,
                allocator);
    }

    /** As {@link #gather(Schema, List, long[], int, int, BufferAllocator)} with the sources looked up already. */
    public static VectorSchemaRoot gather(Schema schema, Source[] columns, long[] addresses, int offset,
                                          int count, BufferAllocator allocator) {
        List<FieldVector> out = new ArrayList<>(columns.length);
        try {
            for (int c = 0; c < columns.length; c++) {
                out.add(gatherColumn(schema.getFields().get(c), columns[c], addresses, offset, count, allocator));
            }
        } catch (RuntimeException | Error e) {
            out.forEach(FieldVector::close);
            throw e;
        }
        return new VectorSchemaRoot(schema, out, count);
    }

    /**
     * A new vector for {@code field} (its type must be that of every source vector) holding, at row {@code i},
     * row {@code rowOf(a)} of vector {@code batchOf(a)} of {@code source} where {@code a = addresses[offset + i]},
     * or NULL when {@code a} is negative. The caller owns the result.
     */
    public static FieldVector gatherColumn(Field field, Source source, long[] addresses, int offset, int count,
                                           BufferAllocator allocator) {
        if (count < 0 || offset < 0 || offset + count > addresses.length) {
            throw new IllegalArgumentException("rows [" + offset + ", " + (offset + count) + ") outside "
                    + addresses.length + " addresses");
        }
        FieldVector to = field.createVector(allocator);
        try {
            if (to instanceof NullVector) {
                to.setValueCount(count);
            } else if (to instanceof BitVector t && source.all(t.getClass())) {
                gatherBits(source, addresses, offset, count, t);
            } else if (to instanceof BaseFixedWidthVector t && source.all(t.getClass())) {
                gatherFixed(source, addresses, offset, count, t);
            } else if (to instanceof BaseVariableWidthVector t && source.all(t.getClass())) {
                gatherVariable(source, addresses, offset, count, t);
            } else if (to instanceof BaseLargeVariableWidthVector t && source.all(t.getClass())) {
                gatherLargeVariable(source, addresses, offset, count, t);
            } else {
                gatherGeneric(source.vectors, addresses, offset, count, to);
            }
            return to;
        } catch (RuntimeException | Error e) {
            to.close();
            throw e;
        }
    }

    private static void gatherGeneric(FieldVector[] sources, long[] addresses, int offset, int count,
                                      FieldVector to) {
        to.setInitialCapacity(count);
        to.allocateNew();
        for (int i = 0; i < count; i++) {
            long a = addresses[offset + i];
            if (a >= 0) {
                to.copyFromSafe(rowOf(a), i, sources[batchOf(a)]);
            }
        }
        to.setValueCount(count);
    }

    private static void gatherFixed(Source source, long[] addresses, int offset, int count,
                                    BaseFixedWidthVector to) {
        to.allocateNew(count);
        ArrowBuf dst = to.getDataBuffer();
        ArrowBuf[] src = source.data;
        int width = to.getTypeWidth();
        switch (width) {
            case 1 -> {
                for (int i = 0; i < count; i++) {
                    long a = addresses[offset + i];
                    if (a >= 0) {
                        dst.setByte(i, src[batchOf(a)].getByte(rowOf(a)));
                    }
                }
            }
            case 2 -> {
                for (int i = 0; i < count; i++) {
                    long a = addresses[offset + i];
                    if (a >= 0) {
                        dst.setShort((long) i << 1, src[batchOf(a)].getShort((long) rowOf(a) << 1));
                    }
                }
            }
            case 4 -> {
                for (int i = 0; i < count; i++) {
                    long a = addresses[offset + i];
                    if (a >= 0) {
                        dst.setInt((long) i << 2, src[batchOf(a)].getInt((long) rowOf(a) << 2));
                    }
                }
            }
            case 8 -> {
                for (int i = 0; i < count; i++) {
                    long a = addresses[offset + i];
                    if (a >= 0) {
                        dst.setLong((long) i << 3, src[batchOf(a)].getLong((long) rowOf(a) << 3));
                    }
                }
            }
            case 16 -> {
                for (int i = 0; i < count; i++) {
                    long a = addresses[offset + i];
                    if (a >= 0) {
                        ArrowBuf s = src[batchOf(a)];
                        long from = (long) rowOf(a) << 4;
                        long at = (long) i << 4;
                        dst.setLong(at, s.getLong(from));
                        dst.setLong(at + 8, s.getLong(from + 8));
                    }
                }
            }
            default -> {
                for (int i = 0; i < count; i++) {
                    long a = addresses[offset + i];
                    if (a >= 0) {
                        dst.setBytes((long) i * width, src[batchOf(a)], (long) rowOf(a) * width, width);
                    }
                }
            }
        }
        gatherBitmap(source.validity, source.allValid, addresses, offset, count, to.getValidityBuffer());
        to.setValueCount(count);
    }

    private static void gatherBits(Source source, long[] addresses, int offset, int count, BitVector to) {
        to.allocateNew(count);
        gatherBitmap(source.data, new boolean[source.data.length], addresses, offset, count, to.getDataBuffer());
        gatherBitmap(source.validity, source.allValid, addresses, offset, count, to.getValidityBuffer());
        to.setValueCount(count);
    }

    private static void gatherVariable(Source source, long[] addresses, int offset, int count,
                                       BaseVariableWidthVector to) {
        ArrowBuf[] offsets = source.offsets;
        ArrowBuf[] data = source.data;
        // NULL rows of a source may still have a non-empty slot; the validity copy below hides them anyway,
        // so copying their bytes is harmless and keeps this loop free of validity lookups.
        long total = 0;
        for (int i = 0; i < count; i++) {
            long a = addresses[offset + i];
            if (a >= 0) {
                ArrowBuf o = offsets[batchOf(a)];
                long r = rowOf(a);
                total += o.getInt((r + 1) << 2) - o.getInt(r << 2);
            }
        }
        if (total > Integer.MAX_VALUE) {
            throw new NumbatException(ErrorCode.RESOURCE_EXHAUSTED, "gathering " + count + " rows of column '"
                    + to.getName() + "' needs " + total + " bytes, more than a " + to.getMinorType()
                    + " vector can hold");
        }
        to.allocateNew(Math.max(total, 1), count);
        ArrowBuf dstOffsets = to.getOffsetBuffer();
        ArrowBuf dstData = to.getDataBuffer();
        int position = 0;
        dstOffsets.setInt(0, 0);
        for (int i = 0; i < count; i++) {
            long a = addresses[offset + i];
            if (a >= 0) {
                int b = batchOf(a);
                long r = rowOf(a);
                int start = offsets[b].getInt(r << 2);
                int length = offsets[b].getInt((r + 1) << 2) - start;
                dstData.setBytes(position, data[b], start, length);
                position += length;
            }
            dstOffsets.setInt((long) (i + 1) << 2, position);
        }
        gatherBitmap(source.validity, source.allValid, addresses, offset, count, to.getValidityBuffer());
        to.setLastSet(count - 1);
        to.setValueCount(count);
    }

    private static void gatherLargeVariable(Source source, long[] addresses, int offset, int count,
                                            BaseLargeVariableWidthVector to) {
        ArrowBuf[] offsets = source.offsets;
        ArrowBuf[] data = source.data;
        long total = 0;
        for (int i = 0; i < count; i++) {
            long a = addresses[offset + i];
            if (a >= 0) {
                ArrowBuf o = offsets[batchOf(a)];
                long r = rowOf(a);
                total += o.getLong((r + 1) << 3) - o.getLong(r << 3);
            }
        }
        to.allocateNew(Math.max(total, 1), count);
        ArrowBuf dstOffsets = to.getOffsetBuffer();
        ArrowBuf dstData = to.getDataBuffer();
        long position = 0;
        dstOffsets.setLong(0, 0);
        for (int i = 0; i < count; i++) {
            long a = addresses[offset + i];
            if (a >= 0) {
                int b = batchOf(a);
                long r = rowOf(a);
                long start = offsets[b].getLong(r << 3);
                long length = offsets[b].getLong((r + 1) << 3) - start;
                dstData.setBytes(position, data[b], start, length);
                position += length;
            }
            dstOffsets.setLong((long) (i + 1) << 3, position);
        }
        gatherBitmap(source.validity, source.allValid, addresses, offset, count, to.getValidityBuffer());
        to.setLastSet(count - 1);
        to.setValueCount(count);
    }

    private static void gatherBitmap(ArrowBuf[] bitmaps, boolean[] allSet, long[] addresses, int offset,
                                     int count, ArrowBuf dst) {
        int bytes = (count + 7) >>> 3;
        for (int byteIndex = 0; byteIndex < bytes; byteIndex++) {
            int base = byteIndex << 3;
            int n = Math.min(8, count - base);
            int bits = 0;
            for (int j = 0; j < n; j++) {
                long a = addresses[offset + base + j];
                if (a >= 0) {
                    int b = batchOf(a);
                    int r = rowOf(a);
                    int bit = allSet[b] ? 1 : (bitmaps[b].getByte(r >>> 3) >>> (r & 7)) & 1;
                    bits |= bit << j;
                }
            }
            dst.setByte(byteIndex, bits);
        }
    }
}
