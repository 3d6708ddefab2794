package dev.numbat.core.batch;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;

/**
 * Copies selected rows of one vector into another of the same type: the row-copying half of partitioning
 * ({@link Batches#gather}). Rows may repeat and come in any order.
 *
 * <p>Fixed-width vectors (integers, floats, decimals, dates, times, timestamps, intervals, fixed-size binary)
 * copy each row's value bytes with one buffer read and write of their width; booleans copy bits; variable-width
 * vectors (strings and binaries, 32- or 64-bit offsets) first sum the selected rows' lengths, allocate offsets
 * and data once, then copy each value with one {@link ArrowBuf#setBytes(long, ArrowBuf, long, long)}. Validity
 * is gathered eight rows to an output byte. Nested and other vectors fall back to {@code copyFromSafe}.
 *
 * <p>Runs of at least {@link #MIN_RUN} consecutive source rows (what a filter that keeps most rows selects) are
 * copied with one memory copy each. The new buffers are allocated without zeroing (every byte is written) and
 * handed to the vector with {@code loadFieldBuffers}.
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
        int last = valueCount - 1;
        int bad = 0;
        for (int i = 0; i < count; i++) {
            int r = rows[i];
            bad |= r | (last - r); // negative when r < 0 or r > last
        }
        if (bad < 0) {
            for (int i = 0; i < count; i++) {
                int r = rows[i];
                if (r < 0 || r >= valueCount) {
                    throw new IndexOutOfBoundsException("row " + r + " of a vector with " + valueCount + " values");
                }
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
        if (count == 0) {
            to.allocateNew(0);
            to.setValueCount(0);
            return;
        }
        int width = from.getTypeWidth();
        // Every byte of the new data buffer is written below, so it is not zeroed (allocateNew would).
        BufferAllocator allocator = to.getAllocator();
        ArrowBuf validity = allocator.buffer(validityBytes(count));
        try (validity; ArrowBuf dst = allocator.buffer((long) count * width)) {
            ArrowBuf src = from.getDataBuffer();
            // Rows [pending, i) are copied one at a time; runs of at least MIN_RUN consecutive source rows
            // (common after a filter that keeps most rows) with one memory copy each.
            int pending = 0;
            int i = mayHaveRuns(rows, count) ? 0 : count;
            while (i < count) {
                int r = rows[i];
                if (i + MIN_RUN <= count && rows[i + MIN_RUN - 1] == r + MIN_RUN - 1) {
                    int end = runEnd(rows, i, count);
                    if (end - i >= MIN_RUN) {
                        copyRows(width, src, dst, rows, pending, i);
                        dst.setBytes((long) i * width, src, (long) r * width, (long) (end - i) * width);
                        pending = end;
                    }
                    i = end;
                } else {
                    i++;
                }
            }
            copyRows(width, src, dst, rows, pending, count);
            gatherValidity(from, rows, count, validity);
            to.loadFieldBuffers(new ArrowFieldNode(count, 0), List.of(validity, dst));
        }
    }

    /** Runs of consecutive rows at least this long are copied with one memory copy, shorter ones row by row. */
    private static final int MIN_RUN = 16;

    /**
     * False when the rows are too sparse (or too few) to be worth looking for runs in: they span more than
     * twice as many source rows as there are, as when a batch is split between many partitions.
     */
    private static boolean mayHaveRuns(int[] rows, int count) {
        return count >= MIN_RUN && Math.abs((long) rows[count - 1] - rows[0]) < 2L * count;
    }

    /** Copies rows[from .. to) of fixed-width {@code src} to positions from .. to of {@code dst}. */
    private static void copyRows(int width, ArrowBuf src, ArrowBuf dst, int[] rows, int from, int to) {
        switch (width) {
            case 1 -> {
                for (int i = from; i < to; i++) {
                    dst.setByte(i, src.getByte(rows[i]));
                }
            }
            case 2 -> {
                for (int i = from; i < to; i++) {
                    dst.setShort((long) i << 1, src.getShort((long) rows[i] << 1));
                }
            }
            case 4 -> {
                for (int i = from; i < to; i++) {
                    dst.setInt((long) i << 2, src.getInt((long) rows[i] << 2));
                }
            }
            case 8 -> {
                for (int i = from; i < to; i++) {
                    dst.setLong((long) i << 3, src.getLong((long) rows[i] << 3));
                }
            }
            case 16 -> {
                for (int i = from; i < to; i++) {
                    long s = (long) rows[i] << 4;
                    long d = (long) i << 4;
                    dst.setLong(d, src.getLong(s));
                    dst.setLong(d + 8, src.getLong(s + 8));
                }
            }
            default -> {
                for (int i = from; i < to; i++) {
                    dst.setBytes((long) i * width, src, (long) rows[i] * width, width);
                }
            }
        }
    }

    /**
     * The end (exclusive) of the run of consecutive rows starting at {@code rows[i]}. A plain scan: runs after
     * a filter are tens of rows long, where galloping with bisection mispredicts more than it saves.
     */
    private static int runEnd(int[] rows, int i, int count) {
        int end = i + 1;
        int next = rows[i] + 1;
        while (end < count && rows[end] == next) {
            end++;
            next++;
        }
        return end;
    }

    private static long validityBytes(int count) {
        return (count + 7) >>> 3;
    }

    private static void gatherBits(BitVector from, int[] rows, int count, BitVector to) {
        if (count == 0) {
            to.allocateNew(0);
            to.setValueCount(0);
            return;
        }
        BufferAllocator allocator = to.getAllocator();
        ArrowBuf validity = allocator.buffer(validityBytes(count));
        try (validity; ArrowBuf data = allocator.buffer(validityBytes(count))) {
            gatherBitmap(from.getDataBuffer(), false, rows, count, data);
            gatherValidity(from, rows, count, validity);
            to.loadFieldBuffers(new ArrowFieldNode(count, 0), List.of(validity, data));
        }
    }

    private static void gatherVariableWidth(BaseVariableWidthVector from, int[] rows, int count,
                                            BaseVariableWidthVector to) {
        if (count == 0) {
            to.allocateNew(0, 0);
            to.setValueCount(0);
            return;
        }
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
        // Offsets and data are fully written below, so neither is zeroed.
        BufferAllocator allocator = to.getAllocator();
        ArrowBuf validity = allocator.buffer(validityBytes(count));
        try (validity; ArrowBuf dstOffsets = allocator.buffer(((long) count + 1) << 2);
             ArrowBuf dstData = allocator.buffer(Math.max(total, 1))) {
            ArrowBuf srcData = from.getDataBuffer();
            int position = 0;
            dstOffsets.setInt(0, 0);
            if (allValid) {
                boolean runs = mayHaveRuns(rows, count);
                for (int i = 0; i < count; ) {
                    int r = rows[i];
                    int base = srcOffsets.getInt((long) r << 2);
                    if (runs && i + MIN_RUN <= count && rows[i + MIN_RUN - 1] == r + MIN_RUN - 1) {
                        int end = runEnd(rows, i, count);
                        // Rows i .. end - 1 are consecutive (a run of MIN_RUN or more, or, in rows that are
                        // not ascending, a shorter one): shifted offsets, and the bytes in one copy.
                        int delta = position - base;
                        for (int k = i; k < end; k++) {
                            r++;
                            dstOffsets.setInt((long) (k + 1) << 2, srcOffsets.getInt((long) r << 2) + delta);
                        }
                        int length = srcOffsets.getInt((long) r << 2) - base;
                        dstData.setBytes(position, srcData, base, length);
                        position += length;
                        i = end;
                        continue;
                    }
                    int length = srcOffsets.getInt((long) (r + 1) << 2) - base;
                    copyBytes(srcData, base, dstData, position, length);
                    position += length;
                    dstOffsets.setInt((long) (i + 1) << 2, position);
                    i++;
                }
            } else {
                for (int i = 0; i < count; i++) {
                    int r = rows[i];
                    if (isSet(srcValidity, r)) {
                        int start = srcOffsets.getInt((long) r << 2);
                        int length = srcOffsets.getInt((long) (r + 1) << 2) - start;
                        copyBytes(srcData, start, dstData, position, length);
                        position += length;
                    }
                    dstOffsets.setInt((long) (i + 1) << 2, position);
                }
            }
            gatherValidity(from, rows, count, validity);
            // Sets lastSet to count - 1 as well: every row is set, so setValueCount has no holes to fill.
            to.loadFieldBuffers(new ArrowFieldNode(count, 0), List.of(validity, dstOffsets, dstData));
        }
    }

    /** Copies a value's bytes: short ones (most strings in practice) a byte at a time, avoiding a memcpy call. */
    private static void copyBytes(ArrowBuf src, long from, ArrowBuf dst, long to, int length) {
        if (length <= 16) {
            for (int k = 0; k < length; k++) {
                dst.setByte(to + k, src.getByte(from + k));
            }
        } else {
            dst.setBytes(to, src, from, length);
        }
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
            if (fullBytes > 0) {
                dst.setOne(0, fullBytes);
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
