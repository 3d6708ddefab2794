package dev.numbat.core.expr;

import dev.numbat.core.NumbatException;
import java.math.BigInteger;
import java.nio.ByteOrder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** Reads an Arrow vector into a {@link Col} with bulk copies (no per-row virtual calls). */
final class ColumnReader {
    private ColumnReader() {
    }

    static Col read(FieldVector v, int n) {
        Col c;
        if (v instanceof BigIntVector || v instanceof TimeStampVector) {
            c = Col.longs(n);
            if (n > 0) {
                v.getDataBuffer().nioBuffer(0, n * 8).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(c.longs, 0, n);
            }
            if (v instanceof TimeStampVector ts) {
                toMicros(c.longs, n, ((ArrowType.Timestamp) ts.getField().getType()).getUnit());
            }
        } else if (v instanceof IntVector || v instanceof DateDayVector) {
            c = Col.longs(n);
            int[] tmp = new int[n];
            if (n > 0) {
                v.getDataBuffer().nioBuffer(0, n * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(tmp, 0, n);
            }
            long[] out = c.longs;
            for (int i = 0; i < n; i++) {
                out[i] = tmp[i];
            }
        } else if (v instanceof DateMilliVector d) {
            c = Col.longs(n);
            for (int i = 0; i < n; i++) {
                c.longs[i] = Math.floorDiv(d.getDataBuffer().getLong((long) i * 8), 86_400_000L);
            }
        } else if (v instanceof SmallIntVector || v instanceof TinyIntVector) {
            c = Col.longs(n);
            ArrowBuf b = v.getDataBuffer();
            boolean small = v instanceof SmallIntVector;
            for (int i = 0; i < n; i++) {
                c.longs[i] = small ? b.getShort((long) i * 2) : b.getByte(i);
            }
        } else if (v instanceof Float8Vector) {
            c = Col.doubles(n);
            if (n > 0) {
                v.getDataBuffer().nioBuffer(0, n * 8).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
                        .get(c.doubles, 0, n);
            }
        } else if (v instanceof Float4Vector f) {
            c = Col.doubles(n);
            ArrowBuf b = f.getDataBuffer();
            for (int i = 0; i < n; i++) {
                c.doubles[i] = b.getFloat((long) i * 4);
            }
        } else if (v instanceof DecimalVector d) {
            c = Col.decimals(n, d.getScale());
            // One bulk copy of both halves, then pick the low words (checking the high word is the sign).
            long[] both = new long[2 * n];
            if (n > 0) {
                d.getDataBuffer().nioBuffer(0, n * 16).order(ByteOrder.LITTLE_ENDIAN).asLongBuffer().get(both, 0, 2 * n);
            }
            long[] out = c.longs;
            for (int i = 0; i < n; i++) {
                long lo = both[2 * i];
                long hi = both[2 * i + 1];
                out[i] = lo;
                if (hi != (lo >> 63)) {
                    if (c.big == null) {
                        c.big = new BigInteger[n];
                    }
                    c.big[i] = Decimals.fromTwoLongs(lo, hi);
                }
            }
        } else if (v instanceof VarCharVector || v instanceof VarBinaryVector) {
            c = Col.bytes(n);
            ArrowBuf offs = v.getOffsetBuffer();
            int[] o = new int[n + 1];
            if (n > 0) {
                offs.nioBuffer(0, (n + 1) * 4).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(o, 0, n + 1);
            }
            int base = o[0];
            int len = n == 0 ? 0 : o[n] - base;
            c.data = new byte[len];
            if (len > 0) {
                v.getDataBuffer().getBytes(base, c.data, 0, len);
            }
            for (int i = 0; i < n; i++) {
                c.start[i] = o[i] - base;
                c.end[i] = o[i + 1] - base;
            }
        } else if (v instanceof LargeVarCharVector l) {
            c = Col.bytes(n);
            long base = n == 0 ? 0 : l.getOffsetBuffer().getLong(0);
            long top = n == 0 ? 0 : l.getOffsetBuffer().getLong((long) n * 8);
            c.data = new byte[Math.toIntExact(top - base)];
            if (c.data.length > 0) {
                l.getDataBuffer().getBytes(base, c.data, 0, c.data.length);
            }
            for (int i = 0; i < n; i++) {
                c.start[i] = (int) (l.getOffsetBuffer().getLong((long) i * 8) - base);
                c.end[i] = (int) (l.getOffsetBuffer().getLong((long) (i + 1) * 8) - base);
            }
        } else if (v instanceof BitVector bv) {
            c = Col.bools(n);
            ArrowBuf b = bv.getDataBuffer();
            for (int i = 0; i < n; i++) {
                c.bools[i] = ((b.getByte(i >> 3) >> (i & 7)) & 1) != 0;
            }
        } else {
            throw NumbatException.userError("expressions cannot read column '%s' of type %s", v.getName(),
                    v.getField().getType());
        }
        if (v.getNullCount() > 0) {
            boolean[] nulls = new boolean[n];
            ArrowBuf validity = v.getValidityBuffer();
            for (int i = 0; i < n; i++) {
                nulls[i] = ((validity.getByte(i >> 3) >> (i & 7)) & 1) == 0;
            }
            c.nulls = nulls;
        }
        return c;
    }

    private static void toMicros(long[] v, int n, org.apache.arrow.vector.types.TimeUnit unit) {
        switch (unit) {
            case MICROSECOND -> {
            }
            case SECOND -> {
                for (int i = 0; i < n; i++) {
                    v[i] *= 1_000_000L;
                }
            }
            case MILLISECOND -> {
                for (int i = 0; i < n; i++) {
                    v[i] *= 1_000L;
                }
            }
            case NANOSECOND -> {
                for (int i = 0; i < n; i++) {
                    v[i] = Math.floorDiv(v[i], 1_000L);
                }
            }
        }
    }
}
