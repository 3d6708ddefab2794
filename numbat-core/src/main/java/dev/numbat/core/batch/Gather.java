package dev.numbat.core.batch;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.NullVector;

/**
 * Copies selected rows of one vector into another of the same type: the row-copying half of partitioning
 * ({@link Batches#gather}). Rows may repeat and come in any order.
 *
 * <p>Fixed-width vectors (integers, floats, decimals, dates, times, timestamps, intervals, fixed-size binary)
 * copy each row's value bytes with one buffer read and write of their width; booleans copy bits; variable-width
 * vectors (strings and binaries, 32- or 64-bit offsets) first sum the selected rows' lengths, allocate offsets
 * and data once, then copy each value with one {@link ArrowBuf#setBytes(long, ArrowBuf, long, long)}. Validity
 * is gathered eight rows to an output byte. Nested and other vectors fall back to {@code copyFromSafe}.
 */
final class Gather {
    private Gather() {
    }

    /**
     * Fills the new, empty vector {@code to} (same type as {@code from}) with rows {@code rows[0 .. count)} of
     * {@code from}, in that order, and sets its value count to {@code count}.
     */
    static void gather(FieldVector from, int[] rows, int count, FieldVector to) {
        checkRows(from, rows, count);
        if (from instanceof BitVector f && to instanceof BitVector t) {
            gatherBits(f, rows, count, t);
        } else if (from instanceof BaseFixedWidthVector f && to instanceof BaseFixedWidthVector t
                && f.getClass() == t.getClass() && f.getTypeWidth() == t.getTypeWidth()) {
            gatherFixedWidth(f, rows, count, t);
        } else if (from instanceof BaseVariableWidthVector f && to instanceof BaseVariableWidthVector t
                && f.getClass() == t.getClass()) {
            gatherVariableWidth(f, rows, count, t);
        } else if (from instanceof BaseLargeVariableWidthVector f && to instanceof BaseLargeVariableWidthVector t
                && f.getClass() == t.getClass()) {
            gatherLargeVariableWidth(f, rows, count, t);
        } else if (from instanceof NullVector && to instanceof NullVector) {
            to.setValueCount(count);
        } else {
            gatherGeneric(from, rows, count, to);
        }
    }

    private static void checkRows(FieldVector from, int[] rows, int count) {
        if (count < 0 || count > rows.length) {
            throw new IllegalArgumentException("count " + count + " is outside [0, " + rows.length + "]");
        }
        int valueCount = from.getValueCount();
        for (int i = 0; i < count; i++) {
            int r = rows[i];
            if (r < 0 || r >= valueCount) {
                throw new IndexOutOfBoundsException("row " + r + " of a vector with " + valueCount + " values");
            }
        }
    }

    private static void gatherGeneric(FieldVector from, int[] rows, int count, FieldVector to) {
        to.setInitialCapacity(count);
        to.allocateNew();
        for (int i = 0; i < count; i++) {
            to.copyFromSafe(rows[i], i, from);
        }
        to.setValueCount(count);
    }

    private static void gatherFixedWidth(BaseFixedWidthVector from, int[] rows, int count, BaseFixedWidthVector to) {
        to.allocateNew(count);
        ArrowBuf src = from.getDataBuffer();
        ArrowBuf dst = to.getDataBuffer();
        int width = from.getTypeWidth();
        switch (width) {
            case 1 -> {
                for (int i = 0; i < count; i++) {
                    dst.setByte(i, src.getByte(rows[i]));
                }
            }
            case 2 -> {
                for (int i = 0; i < count; i++) {
                    dst.setShort((long) i << 1, src.getShort((long) rows[i] << 1));
                }
            }
            case 4 -> {
                for (int i = 0; i < count; i++) {
                    dst.setInt((long) i << 2, src.getInt((long) rows[i] << 2));
                }
            }
            case 8 -> {
                for (int i = 0; i < count; i++) {
                    dst.setLong((long) i << 3, src.getLong((long) rows[i] << 3));
                }
            }
            case 16 -> {
                for (int i = 0; i < count; i++) {
                    long s = (long) rows[i] << 4;
                    long d = (long) i << 4;
                    dst.setLong(d, src.getLong(s));
                    dst.setLong(d + 8, src.getLong(s + 8));
                }
            }
            default -> {
                for (int i = 0; i < count; i++) {
                    dst.setBytes((long) i * width, src, (long) rows[i] * width, width);
                }
            }
        }
        gatherValidity(from, rows, count, to.getValidityBuffer());
        to.setValueCount(count);
    }

    private static void gatherBits(BitVector from, int[] rows, int count, BitVector to) {
        to.allocateNew(count);
        gatherBitmap(from.getDataBuffer(), false, rows, count, to.getDataBuffer());
        gatherValidity(from, rows, count, to.getValidityBuffer());
        to.setValueCount(count);
    }

    private static void gatherVariableWidth(BaseVariableWidthVector from, int[] rows, int count,
                                            BaseVariableWidthVector to) {
        ArrowBuf srcOffsets = from.getOffsetBuffer();
        ArrowBuf srcValidity = from.getValidityBuffer();
        boolean allValid = from.getNullCount() == 0;
        long total = 0;
        for (int i = 0; i < count; i++) {
            int r = rows[i];
            if (allValid || isSet(srcValidity, r)) {
                total += srcOffsets.getInt((long) (r + 1) << 2) - srcOffsets.getInt((long) r << 2);
            }
        }
        if (total > Integer.MAX_VALUE) {
            throw new NumbatException(ErrorCode.RESOURCE_EXHAUSTED, "gathering " + count + " rows of column '"
                    + from.getName() + "' needs " + total + " bytes, more than a " + from.getMinorType()
                    + " vector can hold");
        }
        to.allocateNew(total, count);
        ArrowBuf srcData = from.getDataBuffer();
        ArrowBuf dstOffsets = to.getOffsetBuffer();
        ArrowBuf dstData = to.getDataBuffer();
        int position = 0;
        dstOffsets.setInt(0, 0);
        for (int i = 0; i < count; i++) {
            int r = rows[i];
            if (allValid || isSet(srcValidity, r)) {
                int start = srcOffsets.getInt((long) r << 2);
                int length = srcOffsets.getInt((long) (r + 1) << 2) - start;
                dstData.setBytes(position, srcData, start, length);
                position += length;
            }
            dstOffsets.setInt((long) (i + 1) << 2, position);
        }
        gatherValidity(from, rows, count, to.getValidityBuffer());
        // setValueCount fills "holes" after lastSet with empty values; every row is set, so none are holes.
        to.setLastSet(count - 1);
        to.setValueCount(count);
    }

    private static void gatherLargeVariableWidth(BaseLargeVariableWidthVector from, int[] rows, int count,
                                                 BaseLargeVariableWidthVector to) {
        ArrowBuf srcOffsets = from.getOffsetBuffer();
        ArrowBuf srcValidity = from.getValidityBuffer();
        boolean allValid = from.getNullCount() == 0;
        long total = 0;
        for (int i = 0; i < count; i++) {
            int r = rows[i];
            if (allValid || isSet(srcValidity, r)) {
                total += srcOffsets.getLong((long) (r + 1) << 3) - srcOffsets.getLong((long) r << 3);
            }
        }
        to.allocateNew(total, count);
        ArrowBuf srcData = from.getDataBuffer();
        ArrowBuf dstOffsets = to.getOffsetBuffer();
        ArrowBuf dstData = to.getDataBuffer();
        long position = 0;
        dstOffsets.setLong(0, 0);
        for (int i = 0; i < count; i++) {
            int r = rows[i];
            if (allValid || isSet(srcValidity, r)) {
                long start = srcOffsets.getLong((long) r << 3);
                long length = srcOffsets.getLong((long) (r + 1) << 3) - start;
                dstData.setBytes(position, srcData, start, length);
                position += length;
            }
            dstOffsets.setLong((long) (i + 1) << 3, position);
        }
        gatherValidity(from, rows, count, to.getValidityBuffer());
        to.setLastSet(count - 1);
        to.setValueCount(count);
    }

    private static boolean isSet(ArrowBuf bitmap, int i) {
        return (bitmap.getByte(i >>> 3) & (1 << (i & 7))) != 0;
    }

    private static void gatherValidity(FieldVector from, int[] rows, int count, ArrowBuf dst) {
        gatherBitmap(from.getValidityBuffer(), from.getNullCount() == 0, rows, count, dst);
    }

    /**
     * Writes bits rows[0 .. count) of {@code src} to bits 0 .. count - 1 of {@code dst}, a byte at
     * a time, clearing the bits after {@code count} in the last byte; all ones when {@code allSet}.
     */
    private static void gatherBitmap(ArrowBuf src, boolean allSet, int[] rows, int count, ArrowBuf dst) {
        int fullBytes = count >>> 3;
        int rest = count & 7;
        if (allSet) {
            for (int b = 0; b < fullBytes; b++) {
                dst.setByte(b, 0xFF);
            }
            if (rest != 0) {
                dst.setByte(fullBytes, (1 << rest) - 1);
            }
            return;
        }
        for (int b = 0; b < fullBytes; b++) {
            int base = b << 3;
            int bits = 0;
            for (int j = 0; j < 8; j++) {
                int r = rows[base + j];
                bits |= ((src.getByte(r >>> 3) >>> (r & 7)) & 1) << j;
            }
            dst.setByte(b, bits);
        }
        if (rest != 0) {
            int base = fullBytes << 3;
            int bits = 0;
            for (int j = 0; j < rest; j++) {
                int r = rows[base + j];
                bits |= ((src.getByte(r >>> 3) >>> (r & 7)) & 1) << j;
            }
            dst.setByte(fullBytes, bits);
        }
    }
}
