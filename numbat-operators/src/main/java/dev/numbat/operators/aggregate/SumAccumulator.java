package dev.numbat.operators.aggregate;

import dev.numbat.core.NumbatException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * sum and avg. Both keep a running sum and the number of non-NULL values per group; a group without values
 * sums to NULL.
 */
final class SumAccumulator {
    private SumAccumulator() {
    }

    /**
     * sum/avg of integers and decimals, exact: the sum is a 128-bit integer (the unscaled value at the input's
     * scale; scale 0 for integers), with no BigDecimal per row. Values that fit in 64 bits go to a per-group
     * 64-bit running sum whose overflow (detected per add) spills it into a 128-bit part; wider values are added
     * to the 128-bit part with a carry. The 64-bit path is the hot one: one load, add and store per row. The partial state is the sum as DECIMAL(38, s) (plus the count for avg), so partial sums
     * of BIGINTs that overflow 64 bits in one channel still merge exactly.
     *
     * <p>Overflow: sum of integers is BIGINT, and a final sum outside the BIGINT range is a USER_ERROR
     * ("BIGINT overflow in sum(col)") — checked once on the total, so the outcome does not depend on the
     * order rows arrive in. sum of DECIMAL(p, s) is DECIMAL(38, s); a total of 38 digits or more, or a
     * running sum past 128 bits, is "DECIMAL overflow in sum(col)". avg of these is the DOUBLE nearest to
     * the exact quotient (DuckDB's answer), computed per group at the end.
     */
    static final class OfInt128 extends Accumulator {
        private static final long[] LONG_POW10 = new long[19];

        static {
            LONG_POW10[0] = 1;
            for (int i = 1; i < LONG_POW10.length; i++) {
                LONG_POW10[i] = LONG_POW10[i - 1] * 10;
            }
        }

        private final ColumnKind kind;
        private final int scale;
        private final boolean avg;
        /**
         * The sum of a group is {@code hi:lo + small}: values that fit in a long (nearly all) are added to
         * {@code small} with a 64-bit add; only when that overflows, or for a value that needs more than 64
         * bits, is the 128-bit part touched. {@link #fold} moves {@code small} into {@code hi:lo} before output.
         */
        private long[] small = new long[0];
        private long[] lo = new long[0];
        private long[] hi = new long[0];
        private long[] counts = new long[0];

        OfInt128(AggregateCall call, Field arg, ColumnKind kind) {
            super(call, arg);
            this.kind = kind;
            this.scale = kind == ColumnKind.DECIMAL ? ((ArrowType.Decimal) arg.getType()).getScale() : 0;
            this.avg = call.function() == AggregateFunction.AVG;
        }

        private ArrowType sumType() {
            return new ArrowType.Decimal(38, scale, 128);
        }

        @Override
        List<Field> stateFields() {
            return avg ? List.of(stateField("sum", sumType(), true), stateField("count", BIGINT, false))
                    : List.of(stateField("sum", sumType(), true));
        }

        @Override
        Field resultField() {
            if (avg) {
                return result(DOUBLE, true);
            }
            return result(kind == ColumnKind.DECIMAL ? sumType() : BIGINT, true);
        }

        @Override
        void ensureCapacity(int groups) {
            small = grow(small, groups);
            lo = grow(lo, groups);
            hi = grow(hi, groups);
            counts = grow(counts, groups);
        }

        private NumbatException overflow() {
            return NumbatException.userError("%s overflow in %s", kind == ColumnKind.DECIMAL ? "DECIMAL" : "BIGINT",
                    describe());
        }

        /** Adds the 128-bit value {@code bHi:bLo} to the 128-bit part of group {@code g}. */
        private void add128(int g, long bLo, long bHi) {
            long aLo = lo[g];
            long aHi = hi[g];
            long rLo = aLo + bLo;
            long rHi = aHi + bHi + (Long.compareUnsigned(rLo, aLo) < 0 ? 1 : 0);
            if (((aHi ^ rHi) & (bHi ^ rHi)) < 0) {
                throw overflow();
            }
            lo[g] = rLo;
            hi[g] = rHi;
        }

        /** Adds {@code b} to the 64-bit part of group {@code g}, spilling into the 128-bit part on overflow. */
        private static long addSmall(long s, long b, OfInt128 self, int g) {
            long r = s + b;
            if (((s ^ r) & (b ^ r)) < 0) {
                self.add128(g, s, s >> 63);
                return b;
            }
            return r;
        }

        /** Moves the 64-bit parts of groups {@code from .. from+count} into their 128-bit parts. */
        private void fold(int from, int count) {
            for (int g = from; g < from + count; g++) {
                long s = small[g];
                if (s != 0) {
                    small[g] = 0;
                    add128(g, s, s >> 63);
                }
            }
        }

        @Override
        void add(FieldVector argument, int[] groups, int rowCount) {
            if (kind == ColumnKind.DECIMAL) {
                addInt128(argument, groups, rowCount, null);
                return;
            }
            ArrowBuf data = argument.getDataBuffer();
            ArrowBuf validity = argument.getValidityBuffer();
            boolean nulls = argument.getNullCount() > 0;
            int width = kind.width;
            long[] sm = small;
            long[] c = counts;
            for (int i = 0; i < rowCount; i++) {
                if (nulls && ColumnKind.isNull(validity, i)) {
                    continue;
                }
                long b = ColumnKind.readLong(data, width, i);
                int g = groups[i];
                long v = sm[g];
                long r = v + b;
                sm[g] = ((v ^ r) & (b ^ r)) < 0 ? addSmall(v, b, this, g) : r;
                c[g]++;
            }
        }

        /** Adds 128-bit values (DECIMAL vectors) and, when {@code countColumn} is given, merges counts. */
        private void addInt128(FieldVector values, int[] groups, int rowCount, FieldVector countColumn) {
            ArrowBuf data = values.getDataBuffer();
            boolean counting = countColumn == null;
            if (values.getNullCount() == 0) {
                addInt128NoNulls(data, groups, rowCount, counting);
            } else {
                ArrowBuf validity = values.getValidityBuffer();
                long[] sm = small;
                long[] c = counts;
                for (int i = 0; i < rowCount; i++) {
                    if (ColumnKind.isNull(validity, i)) {
                        continue;
                    }
                    long at = (long) i << 4;
                    long bLo = data.getLong(at);
                    long bHi = data.getLong(at + 8);
                    int g = groups[i];
                    if (bHi == (bLo >> 63)) {
                        long v = sm[g];
                        long r = v + bLo;
                        sm[g] = ((v ^ r) & (bLo ^ r)) < 0 ? addSmall(v, bLo, this, g) : r;
                    } else {
                        add128(g, bLo, bHi);
                    }
                    if (counting) {
                        c[g]++;
                    }
                }
            }
            if (countColumn != null) {
                ArrowBuf cd = countColumn.getDataBuffer();
                long[] c = counts;
                for (int i = 0; i < rowCount; i++) {
                    c[groups[i]] += cd.getLong((long) i << 3);
                }
            }
        }

        private void addInt128NoNulls(ArrowBuf data, int[] groups, int rowCount, boolean counting) {
            long[] sm = small;
            long[] c = counts;
            for (int i = 0; i < rowCount; i++) {
                long at = (long) i << 4;
                long bLo = data.getLong(at);
                long bHi = data.getLong(at + 8);
                int g = groups[i];
                if (bHi == (bLo >> 63)) {
                    long v = sm[g];
                    long r = v + bLo;
                    sm[g] = ((v ^ r) & (bLo ^ r)) < 0 ? addSmall(v, bLo, this, g) : r;
                } else {
                    add128(g, bLo, bHi);
                }
                if (counting) {
                    c[g]++;
                }
            }
        }

        @Override
        void merge(List<FieldVector> state, int at, int[] groups, int rowCount) {
            // sum: a NULL partial sum means "no values"; any other adds one to the count, which for sum is
            // only ever compared with zero. avg: the count column carries the real count.
            addInt128(state.get(at), groups, rowCount, avg ? state.get(at + 1) : null);
        }

        @Override
        void writeState(List<FieldVector> out, int at, int from, int count) {
            fold(from, count);
            FieldVector sums = out.get(at);
            ColumnKind.allocateFixed(sums, count);
            for (int i = 0; i < count; i++) {
                int g = from + i;
                if (counts[g] != 0) {
                    ColumnKind.writeInt128(sums, i, hi[g], lo[g]);
                }
            }
            sums.setValueCount(count);
            if (avg) {
                writeBigints(out.get(at + 1), counts, from, count);
            }
        }

        @Override
        void writeResult(FieldVector out, int from, int count) {
            fold(from, count);
            ColumnKind.allocateFixed(out, count);
            for (int i = 0; i < count; i++) {
                int g = from + i;
                if (counts[g] == 0) {
                    continue;
                }
                if (avg) {
                    ColumnKind.writeDouble(ColumnKind.FLOAT8, out, i, average(hi[g], lo[g], counts[g]));
                } else if (kind == ColumnKind.DECIMAL) {
                    if (!ColumnKind.fitsDecimal38(hi[g], lo[g])) {
                        throw overflow();
                    }
                    ColumnKind.writeInt128(out, i, hi[g], lo[g]);
                } else {
                    if (hi[g] != (lo[g] >> 63)) {
                        throw overflow();
                    }
                    ColumnKind.writeLongLike(ColumnKind.INT64, out, i, lo[g]);
                }
            }
            out.setValueCount(count);
        }

        /** The double nearest to {@code (hi:lo / 10^scale) / count}. */
        private double average(long h, long l, long count) {
            if (h == (l >> 63) && Math.abs(l) < (1L << 53) && scale < LONG_POW10.length
                    && count <= (1L << 53) / LONG_POW10[scale]) {
                // Both operands are exact doubles, so the one IEEE division rounds correctly.
                return (double) l / (double) (count * LONG_POW10[scale]);
            }
            return ColumnKind.int128ToBigDecimal(h, l, scale)
                    .divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue();
        }

        @Override
        void clear() {
            small = new long[0];
            lo = new long[0];
            hi = new long[0];
            counts = new long[0];
        }
    }

    /** sum/avg of FLOAT and DOUBLE: a double sum and a count per group; the result is DOUBLE. */
    static final class OfDouble extends Accumulator {
        private final ColumnKind kind;
        private final boolean avg;
        private double[] sums = new double[0];
        private long[] counts = new long[0];

        OfDouble(AggregateCall call, Field arg, ColumnKind kind) {
            super(call, arg);
            this.kind = kind;
            this.avg = call.function() == AggregateFunction.AVG;
        }

        @Override
        List<Field> stateFields() {
            return avg ? List.of(stateField("sum", DOUBLE, true), stateField("count", BIGINT, false))
                    : List.of(stateField("sum", DOUBLE, true));
        }

        @Override
        Field resultField() {
            return result(DOUBLE, true);
        }

        @Override
        void ensureCapacity(int groups) {
            sums = grow(sums, groups);
            counts = grow(counts, groups);
        }

        @Override
        void add(FieldVector argument, int[] groups, int rowCount) {
            addDoubles(argument, kind, groups, rowCount, null);
        }

        private void addDoubles(FieldVector values, ColumnKind k, int[] groups, int rowCount, FieldVector countColumn) {
            ArrowBuf data = values.getDataBuffer();
            ArrowBuf validity = values.getValidityBuffer();
            boolean nulls = values.getNullCount() > 0;
            double[] s = sums;
            long[] c = counts;
            for (int i = 0; i < rowCount; i++) {
                if (nulls && ColumnKind.isNull(validity, i)) {
                    continue;
                }
                int g = groups[i];
                s[g] += ColumnKind.readDouble(k, data, i);
                if (countColumn == null) {
                    c[g]++;
                }
            }
            if (countColumn != null) {
                ArrowBuf cd = countColumn.getDataBuffer();
                for (int i = 0; i < rowCount; i++) {
                    c[groups[i]] += cd.getLong((long) i << 3);
                }
            }
        }

        @Override
        void merge(List<FieldVector> state, int at, int[] groups, int rowCount) {
            addDoubles(state.get(at), ColumnKind.FLOAT8, groups, rowCount, avg ? state.get(at + 1) : null);
        }

        @Override
        void writeState(List<FieldVector> out, int at, int from, int count) {
            FieldVector v = out.get(at);
            ColumnKind.allocateFixed(v, count);
            for (int i = 0; i < count; i++) {
                if (counts[from + i] != 0) {
                    ColumnKind.writeDouble(ColumnKind.FLOAT8, v, i, sums[from + i]);
                }
            }
            v.setValueCount(count);
            if (avg) {
                writeBigints(out.get(at + 1), counts, from, count);
            }
        }

        @Override
        void writeResult(FieldVector out, int from, int count) {
            ColumnKind.allocateFixed(out, count);
            for (int i = 0; i < count; i++) {
                int g = from + i;
                if (counts[g] != 0) {
                    ColumnKind.writeDouble(ColumnKind.FLOAT8, out, i, avg ? sums[g] / counts[g] : sums[g]);
                }
            }
            out.setValueCount(count);
        }

        @Override
        void clear() {
            sums = new double[0];
            counts = new long[0];
        }
    }
}
