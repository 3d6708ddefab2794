package dev.numbat.core.expr;

import dev.numbat.core.NumbatException;
import java.math.BigInteger;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.ipc.message.ArrowFieldNode;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;

/** Writes the selected rows of a {@link Col} into a new Arrow vector of an expression's type. */
final class VectorWriter {
    private VectorWriter() {
    }

    static Field field(String name, ArrowType type, boolean nullable) {
        return new Field(name, new FieldType(nullable, type, null), null);
    }

    /** Row {@code j} of the result is row {@code sel[j]} of {@code c}. */
    static FieldVector write(Col c, int[] sel, int n, ArrowType type, boolean nullable, String name,
                             BufferAllocator allocator) {
        FieldVector v = field(name, type, nullable).createVector(allocator);
        try {
            fill(c, sel, n, type, v);
            return v;
        } catch (RuntimeException | Error e) {
            v.close();
            throw e;
        }
    }

    private static void fill(Col c, int[] sel, int n, ArrowType type, FieldVector v) {
        if (c.constant) {
            c = c.expand(1);
            int[] zeros = new int[n];
            sel = zeros;
        }
        if (v instanceof VarCharVector vc) {
            writeBytes(c, sel, n, vc);
            return;
        }
        if (!(v instanceof BaseFixedWidthVector fv)) {
            throw NumbatException.userError("cannot produce a value of type %s", type);
        }
        if (n == 0) {
            fv.allocateNew(0);
            fv.setValueCount(0);
            return;
        }
        // Every byte of the data buffer is written below (allocateNew would zero it first, for nothing); the
        // buffers are handed to the vector at the end.
        BufferAllocator allocator = fv.getAllocator();
        long dataBytes = fv instanceof BitVector ? (n + 7) >> 3 : (long) n * fv.getTypeWidth();
        ArrowBuf validity = allocator.buffer((n + 7) >> 3);
        try (validity; ArrowBuf data = allocator.buffer(dataBytes)) {
            fillFixed(c, sel, n, type, fv, data);
            writeValidity(c.nulls, sel, n, validity);
            fv.loadFieldBuffers(new ArrowFieldNode(n, 0), java.util.List.of(validity, data));
        }
    }

    private static void fillFixed(Col c, int[] sel, int n, ArrowType type, BaseFixedWidthVector v, ArrowBuf data) {
        boolean[] nulls = c.nulls;
        switch (type.getTypeID()) {
            case Bool -> {
                boolean[] b = c.bools;
                int full = n >>> 3;
                for (int k = 0; k < full; k++) {
                    int base = k << 3;
                    int bits = 0;
                    for (int t = 0; t < 8; t++) {
                        bits |= (b[sel[base + t]] ? 1 : 0) << t;
                    }
                    data.setByte(k, bits);
                }
                if ((n & 7) != 0) {
                    int bits = 0;
                    for (int t = 0; (full << 3) + t < n; t++) {
                        bits |= (b[sel[(full << 3) + t]] ? 1 : 0) << t;
                    }
                    data.setByte(full, bits);
                }
            }
            case Int -> {
                int bits = ((ArrowType.Int) type).getBitWidth();
                long[] l = c.longs;
                long min = bits == 64 ? Long.MIN_VALUE : -(1L << (bits - 1));
                long max = bits == 64 ? Long.MAX_VALUE : (1L << (bits - 1)) - 1;
                for (int j = 0; j < n; j++) {
                    int i = sel[j];
                    long x = l[i];
                    if ((x < min || x > max) && (nulls == null || !nulls[i])) {
                        throw Decimals.overflow(bits == 64 ? "BIGINT" : bits == 32 ? "INTEGER" : "SMALLINT");
                    }
                    switch (bits) {
                        case 64 -> data.setLong((long) j * 8, x);
                        case 32 -> data.setInt((long) j * 4, (int) x);
                        case 16 -> data.setShort((long) j * 2, (short) x);
                        default -> data.setByte(j, (byte) x);
                    }
                }
            }
            case FloatingPoint -> {
                double[] d = c.doubles;
                boolean single = ((ArrowType.FloatingPoint) type).getPrecision()
                        == org.apache.arrow.vector.types.FloatingPointPrecision.SINGLE;
                for (int j = 0; j < n; j++) {
                    if (single) {
                        data.setFloat((long) j * 4, (float) d[sel[j]]);
                    } else {
                        data.setDouble((long) j * 8, d[sel[j]]);
                    }
                }
            }
            case Decimal -> writeDecimal(c, sel, n, (ArrowType.Decimal) type, data);
            case Date -> {
                long[] l = c.longs;
                boolean day = ((ArrowType.Date) type).getUnit() == org.apache.arrow.vector.types.DateUnit.DAY;
                for (int j = 0; j < n; j++) {
                    if (day) {
                        data.setInt((long) j * 4, (int) l[sel[j]]);
                    } else {
                        data.setLong((long) j * 8, l[sel[j]] * 86_400_000L);
                    }
                }
            }
            case Timestamp -> {
                long[] l = c.longs;
                long div = switch (((ArrowType.Timestamp) type).getUnit()) {
                    case SECOND -> -1_000_000L;
                    case MILLISECOND -> -1_000L;
                    case MICROSECOND -> 1L;
                    case NANOSECOND -> 1_000L;
                };
                for (int j = 0; j < n; j++) {
                    long x = l[sel[j]];
                    data.setLong((long) j * 8, div == 1 ? x : div > 0 ? x * div : Math.floorDiv(x, -div));
                }
            }
            default -> throw NumbatException.userError("cannot produce a value of type %s", type);
        }
    }

    /** Writes bytes 0 .. (n + 7) / 8 of {@code validity} (bits after n cleared), eight rows to a byte. */
    private static void writeValidity(boolean[] nulls, int[] sel, int n, ArrowBuf validity) {
        int full = n >>> 3;
        int rest = n & 7;
        if (nulls == null) {
            if (full > 0) {
                validity.setOne(0, full);
            }
            if (rest != 0) {
                validity.setByte(full, (1 << rest) - 1);
            }
            return;
        }
        for (int k = 0; k < full; k++) {
            int base = k << 3;
            int bits = 0;
            for (int t = 0; t < 8; t++) {
                bits |= (nulls[sel[base + t]] ? 0 : 1) << t;
            }
            validity.setByte(k, bits);
        }
        if (rest != 0) {
            int bits = 0;
            for (int t = 0; t < rest; t++) {
                bits |= (nulls[sel[(full << 3) + t]] ? 0 : 1) << t;
            }
            validity.setByte(full, bits);
        }
    }

    private static void writeDecimal(Col c, int[] sel, int n, ArrowType.Decimal type, ArrowBuf data) {
        if (c.scale != type.getScale()) {
            throw new IllegalStateException("decimal scale " + c.scale + " for " + type);
        }
        long[] l = c.longs;
        boolean[] nulls = c.nulls;
        if (c.big == null) {
            long[] both = new long[2 * n];
            for (int j = 0; j < n; j++) {
                long x = l[sel[j]];
                both[2 * j] = x;
                both[2 * j + 1] = x >> 63;
            }
            if (n > 0) {
                data.nioBuffer(0, n * 16).order(java.nio.ByteOrder.LITTLE_ENDIAN).asLongBuffer().put(both, 0, 2 * n);
            }
            return;
        }
        for (int j = 0; j < n; j++) {
            int i = sel[j];
            if (c.big != null && c.big[i] != null && (nulls == null || !nulls[i])) {
                BigInteger b = c.big[i];
                if (b.abs().compareTo(Decimals.LIMIT38) >= 0) {
                    throw NumbatException.userError("DECIMAL overflow: %s does not fit DECIMAL(%d, %d)",
                            new java.math.BigDecimal(b, c.scale), type.getPrecision(), type.getScale());
                }
                data.setLong((long) j * 16, b.longValue());
                data.setLong((long) j * 16 + 8, b.shiftRight(64).longValue());
            } else {
                long x = l[i];
                data.setLong((long) j * 16, x);
                data.setLong((long) j * 16 + 8, x >> 63);
            }
        }
    }

    private static void writeBytes(Col c, int[] sel, int n, VarCharVector v) {
        long total = 0;
        int[] s = c.start;
        int[] e = c.end;
        boolean[] nulls = c.nulls;
        for (int j = 0; j < n; j++) {
            int i = sel[j];
            if (nulls == null || !nulls[i]) {
                total += e[i] - s[i];
            }
        }
        if (n == 0) {
            v.allocateNew(1, 0);
            v.setValueCount(0);
            return;
        }
        // Offsets, data and validity are fully written below: allocated without zeroing, then handed over.
        BufferAllocator allocator = v.getAllocator();
        ArrowBuf validity = allocator.buffer((n + 7) >> 3);
        try (validity; ArrowBuf offsets = allocator.buffer(((long) n + 1) * 4);
             ArrowBuf data = allocator.buffer(Math.max(total, 1))) {
            byte[] src = c.data;
            int pos = 0;
            offsets.setInt(0, 0);
            for (int j = 0; j < n; j++) {
                int i = sel[j];
                if (nulls == null || !nulls[i]) {
                    int len = e[i] - s[i];
                    data.setBytes(pos, src, s[i], len);
                    pos += len;
                }
                offsets.setInt((long) (j + 1) * 4, pos);
            }
            writeValidity(nulls, sel, n, validity);
            // Also sets lastSet to n - 1: every row is set.
            v.loadFieldBuffers(new ArrowFieldNode(n, 0), java.util.List.of(validity, offsets, data));
        }
    }
}
