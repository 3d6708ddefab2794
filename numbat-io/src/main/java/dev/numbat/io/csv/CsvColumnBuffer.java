package dev.numbat.io.csv;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;

/**
 * One column of the batch being read, staged in plain Java arrays and copied into its Arrow vector in bulk
 * when the batch is complete.
 *
 * <p>Why stage: Arrow's per-value {@code setSafe} does a capacity check, hole filling, bit twiddling and a
 * bounds-checked, reference-count-checked buffer access for every value, which measured at about as much
 * as tokenizing and parsing together. Array stores in a tight loop are what the JIT does best, and the final
 * copy is a handful of memcpys per column. It also gives exactly sized Arrow buffers, and makes dropping a
 * malformed row trivial: the row index is just not advanced, and the next row overwrites the slot.
 */
final class CsvColumnBuffer {
    final int type;
    /** 1 when the value at the row is present. */
    byte[] valid;
    /** BIGINT, TIMESTAMP, DECIMAL (low 64 bits of the unscaled value). */
    long[] longs;
    /** DECIMAL: high 64 bits of the 128-bit unscaled value. */
    long[] highs;
    /** INTEGER, DATE, BOOLEAN (0/1). */
    int[] ints;
    double[] doubles;
    /** VARCHAR: the bytes of all values, and offsets[row]..offsets[row + 1] for each. */
    byte[] bytes;
    int[] offsets;

    CsvColumnBuffer(int type, int initialRows) {
        this.type = type;
        this.valid = new byte[initialRows];
        switch (type) {
            case CsvSplitReader.T_BIGINT, CsvSplitReader.T_TIMESTAMP -> longs = new long[initialRows];
            case CsvSplitReader.T_DECIMAL -> {
                longs = new long[initialRows];
                highs = new long[initialRows];
            }
            case CsvSplitReader.T_INTEGER, CsvSplitReader.T_DATE, CsvSplitReader.T_BOOLEAN -> ints = new int[initialRows];
            case CsvSplitReader.T_DOUBLE -> doubles = new double[initialRows];
            case CsvSplitReader.T_VARCHAR -> {
                bytes = new byte[Math.max(1024, initialRows * 16)];
                offsets = new int[initialRows + 1];
            }
            default -> throw new IllegalStateException("unknown column type " + type);
        }
    }

    /** Makes room for {@code rows} rows. */
    void ensureRows(int rows) {
        if (rows <= valid.length) {
            return;
        }
        int n = Math.max(rows, valid.length * 2);
        valid = Arrays.copyOf(valid, n);
        if (longs != null) {
            longs = Arrays.copyOf(longs, n);
        }
        if (highs != null) {
            highs = Arrays.copyOf(highs, n);
        }
        if (ints != null) {
            ints = Arrays.copyOf(ints, n);
        }
        if (doubles != null) {
            doubles = Arrays.copyOf(doubles, n);
        }
        if (offsets != null) {
            offsets = Arrays.copyOf(offsets, n + 1);
        }
    }

    /** Appends a VARCHAR value as row {@code row} (offsets[row] must already be set). */
    void putBytes(int row, byte[] src, int start, int length) {
        int at = offsets[row];
        int end = at + length;
        if (end > bytes.length) {
            if (end < 0 || end > Integer.MAX_VALUE - 16) {
                throw new IllegalStateException("VARCHAR data of one batch exceeds 2 GB");
            }
            bytes = Arrays.copyOf(bytes, (int) Math.min(Integer.MAX_VALUE - 16, Math.max(end, 2L * bytes.length)));
        }
        if (length <= 16) {
            // Most CSV strings are short, and a plain loop beats the arraycopy stub's set-up cost for them.
            final byte[] dst = bytes;
            for (int i = 0; i < length; i++) {
                dst[at + i] = src[start + i];
            }
        } else {
            System.arraycopy(src, start, bytes, at, length);
        }
        offsets[row + 1] = end;
        valid[row] = 1;
    }

    void putNull(int row) {
        valid[row] = 0;
        switch (type) {
            case CsvSplitReader.T_VARCHAR -> offsets[row + 1] = offsets[row];
            case CsvSplitReader.T_BIGINT, CsvSplitReader.T_TIMESTAMP -> longs[row] = 0;
            case CsvSplitReader.T_DECIMAL -> {
                longs[row] = 0;
                highs[row] = 0;
            }
            case CsvSplitReader.T_DOUBLE -> doubles[row] = 0;
            default -> ints[row] = 0;
        }
    }

    void putDecimal(int row, BigDecimal value) {
        BigInteger unscaled = value.unscaledValue();
        longs[row] = unscaled.longValue();
        highs[row] = unscaled.shiftRight(64).longValue();
        valid[row] = 1;
    }

    /** Copies the first {@code rows} rows into {@code vector}, which must be empty, and sets its value count. */
    void copyTo(FieldVector vector, int rows) {
        if (type == CsvSplitReader.T_VARCHAR) {
            VarCharVector v = (VarCharVector) vector;
            int length = offsets[rows];
            v.allocateNew(Math.max(1, length), rows);
            v.getDataBuffer().setBytes(0, bytes, 0, length);
            view(v.getOffsetBuffer(), 0, (rows + 1) * 4L).asIntBuffer().put(offsets, 0, rows + 1);
            copyValidity(v.getValidityBuffer(), rows);
            v.setLastSet(rows - 1);
            v.setValueCount(rows);
            return;
        }
        BaseFixedWidthVector v = (BaseFixedWidthVector) vector;
        v.allocateNew(rows);
        ArrowBuf data = v.getDataBuffer();
        switch (type) {
            case CsvSplitReader.T_BIGINT, CsvSplitReader.T_TIMESTAMP ->
                    view(data, 0, rows * 8L).asLongBuffer().put(longs, 0, rows);
            case CsvSplitReader.T_DOUBLE -> view(data, 0, rows * 8L).asDoubleBuffer().put(doubles, 0, rows);
            case CsvSplitReader.T_INTEGER, CsvSplitReader.T_DATE ->
                    view(data, 0, rows * 4L).asIntBuffer().put(ints, 0, rows);
            case CsvSplitReader.T_DECIMAL -> {
                // 128-bit little-endian two's complement: low word, then high word.
                for (int i = 0; i < rows; i++) {
                    data.setLong(i * 16L, longs[i]);
                    data.setLong(i * 16L + 8, highs[i]);
                }
            }
            case CsvSplitReader.T_BOOLEAN -> {
                byte[] bits = new byte[(rows + 7) >>> 3];
                for (int i = 0; i < rows; i++) {
                    bits[i >>> 3] |= (byte) (ints[i] << (i & 7));
                }
                data.setBytes(0, bits, 0, bits.length);
            }
            default -> throw new IllegalStateException("unknown column type " + type);
        }
        copyValidity(v.getValidityBuffer(), rows);
        v.setValueCount(rows);
    }

    private void copyValidity(ArrowBuf validity, int rows) {
        byte[] bits = new byte[(rows + 7) >>> 3];
        final byte[] ok = valid;
        int full = rows & ~7;
        for (int i = 0; i < full; i += 8) {
            bits[i >>> 3] = (byte) (ok[i] | ok[i + 1] << 1 | ok[i + 2] << 2 | ok[i + 3] << 3 | ok[i + 4] << 4
                    | ok[i + 5] << 5 | ok[i + 6] << 6 | ok[i + 7] << 7);
        }
        for (int i = full; i < rows; i++) {
            bits[i >>> 3] |= (byte) (ok[i] << (i & 7));
        }
        validity.setBytes(0, bits, 0, bits.length);
    }

    private static ByteBuffer view(ArrowBuf buf, long index, long length) {
        return buf.nioBuffer(index, (int) length).order(ByteOrder.LITTLE_ENDIAN);
    }
}
