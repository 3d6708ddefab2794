package dev.numbat.operators.aggregate;

import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * min and max, for every type a key can have; the result and the partial state have the input's type, and
 * merging partial states is the same operation as adding input. Order: numbers by value, DECIMAL by value
 * at its scale, BOOLEAN false &lt; true, dates and timestamps by time, strings and binaries by their bytes
 * (unsigned, which for UTF-8 is code point order), doubles as {@link Double#compare} (NaN largest).
 */
abstract class MinMaxAccumulator extends Accumulator {
    final boolean max;
    boolean[] seen = new boolean[0];

    MinMaxAccumulator(AggregateCall call, Field arg) {
        super(call, arg);
        this.max = call.function() == AggregateFunction.MAX;
    }

    static MinMaxAccumulator create(AggregateCall call, Field arg, ColumnKind kind) {
        return switch (kind) {
            case FLOAT4, FLOAT8 -> new OfDouble(call, arg, kind);
            case DECIMAL -> new OfDecimal(call, arg);
            case BYTES -> new OfBytes(call, arg);
            default -> new OfLong(call, arg, kind);
        };
    }

    @Override
    List<Field> stateFields() {
        return List.of(stateField(max ? "max" : "min", arg.getType(), true));
    }

    @Override
    Field resultField() {
        return result(arg.getType(), true);
    }

    @Override
    void merge(List<FieldVector> state, int at, int[] groups, int rowCount) {
        add(state.get(at), groups, rowCount);
    }

    @Override
    void writeState(List<FieldVector> out, int at, int from, int count) {
        writeResult(out.get(at), from, count);
    }

    /** Integer-like, temporal and boolean values as longs. */
    static final class OfLong extends MinMaxAccumulator {
        private final ColumnKind kind;
        private long[] values = new long[0];

        OfLong(AggregateCall call, Field arg, ColumnKind kind) {
            super(call, arg);
            this.kind = kind;
        }

        @Override
        void ensureCapacity(int groups) {
            values = grow(values, groups);
            seen = grow(seen, groups);
        }

        @Override
        void add(FieldVector argument, int[] groups, int rowCount) {
            ArrowBuf data = argument.getDataBuffer();
            ArrowBuf validity = argument.getValidityBuffer();
            boolean nulls = argument.getNullCount() > 0;
            long[] v = values;
            boolean[] s = seen;
            for (int i = 0; i < rowCount; i++) {
                if (nulls && ColumnKind.isNull(validity, i)) {
                    continue;
                }
                long x = ColumnKind.readLongLike(kind, data, i);
                int g = groups[i];
                if (!s[g] || (max ? x > v[g] : x < v[g])) {
                    v[g] = x;
                    s[g] = true;
                }
            }
        }

        @Override
        void writeResult(FieldVector out, int from, int count) {
            ColumnKind.allocateFixed(out, count);
            for (int i = 0; i < count; i++) {
                if (seen[from + i]) {
                    ColumnKind.writeLongLike(kind, out, i, values[from + i]);
                }
            }
            out.setValueCount(count);
        }

        @Override
        void clear() {
            values = new long[0];
            seen = new boolean[0];
        }
    }

    /** FLOAT and DOUBLE. */
    static final class OfDouble extends MinMaxAccumulator {
        private final ColumnKind kind;
        private double[] values = new double[0];

        OfDouble(AggregateCall call, Field arg, ColumnKind kind) {
            super(call, arg);
            this.kind = kind;
        }

        @Override
        void ensureCapacity(int groups) {
            values = grow(values, groups);
            seen = grow(seen, groups);
        }

        @Override
        void add(FieldVector argument, int[] groups, int rowCount) {
            ArrowBuf data = argument.getDataBuffer();
            ArrowBuf validity = argument.getValidityBuffer();
            boolean nulls = argument.getNullCount() > 0;
            double[] v = values;
            boolean[] s = seen;
            for (int i = 0; i < rowCount; i++) {
                if (nulls && ColumnKind.isNull(validity, i)) {
                    continue;
                }
                double x = ColumnKind.readDouble(kind, data, i);
                int g = groups[i];
                if (!s[g]) {
                    v[g] = x;
                    s[g] = true;
                } else {
                    int c = Double.compare(x, v[g]);
                    if (max ? c > 0 : c < 0) {
                        v[g] = x;
                    }
                }
            }
        }

        @Override
        void writeResult(FieldVector out, int from, int count) {
            ColumnKind.allocateFixed(out, count);
            for (int i = 0; i < count; i++) {
                if (seen[from + i]) {
                    ColumnKind.writeDouble(kind, out, i, values[from + i]);
                }
            }
            out.setValueCount(count);
        }

        @Override
        void clear() {
            values = new double[0];
            seen = new boolean[0];
        }
    }

    /** DECIMAL: 128-bit unscaled values compared as signed integers (same scale throughout). */
    static final class OfDecimal extends MinMaxAccumulator {
        private long[] lo = new long[0];
        private long[] hi = new long[0];

        OfDecimal(AggregateCall call, Field arg) {
            super(call, arg);
        }

        @Override
        void ensureCapacity(int groups) {
            lo = grow(lo, groups);
            hi = grow(hi, groups);
            seen = grow(seen, groups);
        }

        @Override
        void add(FieldVector argument, int[] groups, int rowCount) {
            ArrowBuf data = argument.getDataBuffer();
            ArrowBuf validity = argument.getValidityBuffer();
            boolean nulls = argument.getNullCount() > 0;
            for (int i = 0; i < rowCount; i++) {
                if (nulls && ColumnKind.isNull(validity, i)) {
                    continue;
                }
                long at = (long) i << 4;
                long xLo = data.getLong(at);
                long xHi = data.getLong(at + 8);
                int g = groups[i];
                if (!seen[g]) {
                    lo[g] = xLo;
                    hi[g] = xHi;
                    seen[g] = true;
                    continue;
                }
                int c = xHi != hi[g] ? Long.compare(xHi, hi[g]) : Long.compareUnsigned(xLo, lo[g]);
                if (max ? c > 0 : c < 0) {
                    lo[g] = xLo;
                    hi[g] = xHi;
                }
            }
        }

        @Override
        void writeResult(FieldVector out, int from, int count) {
            ColumnKind.allocateFixed(out, count);
            for (int i = 0; i < count; i++) {
                if (seen[from + i]) {
                    ColumnKind.writeInt128(out, i, hi[from + i], lo[from + i]);
                }
            }
            out.setValueCount(count);
        }

        @Override
        void clear() {
            lo = new long[0];
            hi = new long[0];
            seen = new boolean[0];
        }
    }

    /** VARCHAR and VARBINARY: the current extreme of each group as its own byte array, replaced on change. */
    static final class OfBytes extends MinMaxAccumulator {
        private byte[][] values = new byte[0][];

        OfBytes(AggregateCall call, Field arg) {
            super(call, arg);
        }

        @Override
        void ensureCapacity(int groups) {
            if (groups > values.length) {
                values = Arrays.copyOf(values, newLength(values.length, groups));
            }
        }

        @Override
        void add(FieldVector argument, int[] groups, int rowCount) {
            ArrowBuf data = argument.getDataBuffer();
            ArrowBuf offsets = argument.getOffsetBuffer();
            ArrowBuf validity = argument.getValidityBuffer();
            boolean nulls = argument.getNullCount() > 0;
            for (int i = 0; i < rowCount; i++) {
                if (nulls && ColumnKind.isNull(validity, i)) {
                    continue;
                }
                int start = offsets.getInt((long) i << 2);
                int len = offsets.getInt((long) (i + 1) << 2) - start;
                int g = groups[i];
                byte[] cur = values[g];
                if (cur == null || (max ? compare(data, start, len, cur) > 0 : compare(data, start, len, cur) < 0)) {
                    byte[] copy = new byte[len];
                    data.getBytes(start, copy, 0, len);
                    values[g] = copy;
                }
            }
        }

        private static int compare(ArrowBuf data, int start, int len, byte[] b) {
            int n = Math.min(len, b.length);
            for (int i = 0; i < n; i++) {
                int c = Integer.compare(data.getByte(start + i) & 0xFF, b[i] & 0xFF);
                if (c != 0) {
                    return c;
                }
            }
            return Integer.compare(len, b.length);
        }

        @Override
        void writeResult(FieldVector out, int from, int count) {
            BaseVariableWidthVector v = (BaseVariableWidthVector) out;
            long total = 0;
            for (int i = 0; i < count; i++) {
                byte[] b = values[from + i];
                total += b == null ? 0 : b.length;
            }
            v.allocateNew(Math.max(total, 1), Math.max(count, 1));
            for (int i = 0; i < count; i++) {
                byte[] b = values[from + i];
                if (b != null) {
                    v.setSafe(i, b, 0, b.length);
                }
            }
            v.setValueCount(count);
        }

        @Override
        void clear() {
            values = new byte[0][];
        }
    }
}
