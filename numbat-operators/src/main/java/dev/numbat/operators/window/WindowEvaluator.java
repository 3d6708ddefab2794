package dev.numbat.operators.window;

import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Emitter;
import dev.numbat.operators.common.KeyValues;
import dev.numbat.operators.common.RowAddressGather;
import dev.numbat.operators.sort.SortBuffer;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.BitVectorHelper;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One run of {@link WindowOperator#finish}: the rows of a {@link SortBuffer} in (partition, order) order as
 * <em>positions</em> 0 .. n-1, the partition and peer-group bounds of each position, and each call's result by
 * position, computed partition by partition. Frame bounds move forward only as the position does (true of every
 * frame {@link WindowFrame} allows), so sums and counts come from per-partition prefix sums and MIN/MAX from a
 * monotonic deque, both linear in the partition's size. Results that are rows of the input (MIN, MAX, LAG, LEAD,
 * FIRST_VALUE, LAST_VALUE) are kept as row addresses and gathered at output, which works for every type.
 */
final class WindowEvaluator {
    private final SortBuffer buffer;
    private final WindowSpec spec;
    private final List<WindowCall> calls;
    private final Schema inSchema;
    private final Schema outSchema;
    private final BufferAllocator allocator;
    private final int n;
    /** Buffer row id of each position. */
    private final int[] ids;
    private final int[] partStart;
    private final int[] partEnd;
    private final int[] peerStart;
    private final int[] peerEnd;

    WindowEvaluator(SortBuffer buffer, WindowSpec spec, List<WindowCall> calls, Schema inSchema, Schema outSchema,
                    BufferAllocator allocator) {
        this.buffer = buffer;
        this.spec = spec;
        this.calls = calls;
        this.inSchema = inSchema;
        this.outSchema = outSchema;
        this.allocator = allocator;
        this.n = buffer.size();
        this.ids = buffer.sortedIds();
        partStart = new int[n];
        partEnd = new int[n];
        peerStart = new int[n];
        peerEnd = new int[n];
        int partitionKeys = spec.partitionBy().size();
        int allKeys = partitionKeys + spec.orderBy().size();
        int ps = 0;
        int gs = 0;
        for (int p = 0; p < n; p++) {
            if (p > 0 && partitionKeys > 0 && buffer.compare(ids[p - 1], ids[p], partitionKeys) != 0) {
                ps = p;
                gs = p;
            } else if (p > 0 && allKeys > partitionKeys && buffer.compare(ids[p - 1], ids[p], allKeys) != 0) {
                gs = p;
            }
            partStart[p] = ps;
            peerStart[p] = gs;
        }
        int pe = n;
        int ge = n;
        for (int p = n - 1; p >= 0; p--) {
            if (p < n - 1 && partStart[p + 1] != partStart[p]) {
                pe = p + 1;
                ge = p + 1;
            } else if (p < n - 1 && peerStart[p + 1] != peerStart[p]) {
                ge = p + 1;
            }
            partEnd[p] = pe;
            peerEnd[p] = ge;
        }
    }

    /** Computes every call and emits the rows in sorted order with the results appended. */
    void emit(int maxRows, Emitter out) {
        List<Result> results = new ArrayList<>();
        try {
            for (int c = 0; c < calls.size(); c++) {
                results.add(compute(calls.get(c), outSchema.getFields().get(inSchema.getFields().size() + c)));
            }
            RowAddressGather.Source[] columns = RowAddressGather.Source.ofColumns(buffer.batches(),
                    inSchema.getFields().size());
            long[] addresses = new long[Math.min(maxRows, n)];
            for (int start = 0; start < n; start += maxRows) {
                int count = Math.min(maxRows, n - start);
                for (int i = 0; i < count; i++) {
                    addresses[i] = buffer.address(ids[start + i]);
                }
                VectorSchemaRoot in = RowAddressGather.gather(inSchema, columns, addresses, 0, count, allocator);
                List<FieldVector> vectors = new ArrayList<>(in.getFieldVectors());
                try {
                    for (Result r : results) {
                        vectors.add(r.build(start, count));
                    }
                } catch (RuntimeException | Error e) {
                    vectors.forEach(FieldVector::close);
                    throw e;
                }
                out.emit(new VectorSchemaRoot(outSchema, vectors, count));
            }
        } finally {
            results.forEach(Result::close);
        }
    }

    // ---- per call ----------------------------------------------------------------------------------------

    private Result compute(WindowCall call, Field field) {
        return switch (call.function()) {
            case ROW_NUMBER, RANK, DENSE_RANK, COUNT_STAR -> ranking(call, field);
            case COUNT, SUM, SUM0, AVG -> sum(call, field);
            case MIN, MAX, LAG, LEAD, FIRST_VALUE, LAST_VALUE -> pick(call, field);
        };
    }

    private long frameStart(int p) {
        WindowFrame f = spec.frame();
        int ps = partStart[p];
        if (f.lower() == WindowFrame.UNBOUNDED_PRECEDING) {
            return ps;
        }
        if (!f.rows()) {
            return peerStart[p];
        }
        return Math.min(Math.max(p + f.lower(), ps), partEnd[p]);
    }

    private long frameEnd(int p, long start) {
        WindowFrame f = spec.frame();
        int pe = partEnd[p];
        long end;
        if (f.upper() == WindowFrame.UNBOUNDED_FOLLOWING) {
            end = pe;
        } else if (!f.rows()) {
            end = peerEnd[p];
        } else {
            end = Math.min(Math.max(p + f.upper() + 1, partStart[p]), pe);
        }
        return Math.max(end, start);
    }

    private Result ranking(WindowCall call, Field field) {
        long[] values = new long[n];
        switch (call.function()) {
            case ROW_NUMBER -> {
                for (int p = 0; p < n; p++) {
                    values[p] = p - partStart[p] + 1;
                }
            }
            case RANK -> {
                for (int p = 0; p < n; p++) {
                    values[p] = peerStart[p] - partStart[p] + 1;
                }
            }
            case DENSE_RANK -> {
                long rank = 0;
                for (int p = 0; p < n; p++) {
                    if (p == partStart[p]) {
                        rank = 1;
                    } else if (p == peerStart[p]) {
                        rank++;
                    }
                    values[p] = rank;
                }
            }
            default -> { // COUNT_STAR
                for (int p = 0; p < n; p++) {
                    long s = frameStart(p);
                    values[p] = frameEnd(p, s) - s;
                }
            }
        }
        return new LongResult(field, values, null);
    }

    /** COUNT, SUM, SUM0 and AVG from per-partition prefix sums of the argument. */
    private Result sum(WindowCall call, Field field) {
        Arg arg = Arg.read(buffer, ids, call.argument());
        WindowFunction fn = call.function();
        long[] counts = new long[n + 1];
        long[] longs = fn == WindowFunction.COUNT ? null : new long[n];
        double[] doubles = null;
        long[] hi = null;
        boolean[] nulls = fn == WindowFunction.COUNT ? null : new boolean[n];
        KeyValues.Kind kind = arg.kind;
        if (fn != WindowFunction.COUNT) {
            if (kind == KeyValues.Kind.DOUBLE || fn == WindowFunction.AVG) {
                doubles = new double[n];
            }
            if (kind == KeyValues.Kind.DECIMAL) {
                hi = new long[n];
            }
        }
        // prefix arrays for one partition: index i holds the sum of its first i rows
        long[] preCount = new long[0];
        long[] preLong = new long[0];
        long[] preHi = new long[0];
        double[] preDouble = new double[0];
        BigDecimal scaleOne = null;
        for (int ps = 0; ps < n; ps = partEnd[ps]) {
            int pe = partEnd[ps];
            int len = pe - ps;
            if (preCount.length < len + 1) {
                preCount = new long[len + 1];
                preLong = new long[len + 1];
                preHi = new long[len + 1];
                preDouble = new double[len + 1];
            }
            for (int i = 0; i < len; i++) {
                int p = ps + i;
                boolean isNull = arg.nulls[p];
                preCount[i + 1] = preCount[i] + (isNull ? 0 : 1);
                if (kind == KeyValues.Kind.LONG) {
                    preLong[i + 1] = preLong[i] + (isNull ? 0 : arg.longs[p]);
                } else if (kind == KeyValues.Kind.DOUBLE) {
                    preDouble[i + 1] = preDouble[i] + (isNull ? 0 : arg.doubles[p]);
                } else if (kind == KeyValues.Kind.DECIMAL) {
                    long lo = isNull ? 0 : arg.longs[p];
                    long h = isNull ? 0 : arg.high[p];
                    long sum = preLong[i] + lo;
                    preHi[i + 1] = preHi[i] + h + (Long.compareUnsigned(sum, lo) < 0 ? 1 : 0);
                    preLong[i + 1] = sum;
                }
            }
            for (int p = ps; p < pe; p++) {
                int s = (int) frameStart(p) - ps;
                int e = (int) frameEnd(p, s + ps) - ps;
                long count = preCount[e] - preCount[s];
                if (fn == WindowFunction.COUNT) {
                    counts[p] = count;
                    continue;
                }
                nulls[p] = count == 0 && fn != WindowFunction.SUM0;
                if (kind == KeyValues.Kind.LONG) {
                    long sum = preLong[e] - preLong[s];
                    if (fn == WindowFunction.AVG) {
                        doubles[p] = count == 0 ? 0 : (double) sum / count;
                    } else {
                        longs[p] = sum;
                    }
                } else if (kind == KeyValues.Kind.DOUBLE) {
                    double sum = s == 0 ? preDouble[e] : preDouble[e] - preDouble[s];
                    doubles[p] = fn == WindowFunction.AVG ? (count == 0 ? 0 : sum / count) : sum;
                } else {
                    long lo = preLong[e] - preLong[s];
                    long h = preHi[e] - preHi[s] - (Long.compareUnsigned(preLong[e], preLong[s]) < 0 ? 1 : 0);
                    if (fn == WindowFunction.AVG) {
                        doubles[p] = count == 0 ? 0 : toBigDecimal(h, lo, arg.scale)
                                .divide(BigDecimal.valueOf(count), MathContext.DECIMAL128).doubleValue();
                    } else {
                        longs[p] = lo;
                        hi[p] = h;
                    }
                }
            }
        }
        if (fn == WindowFunction.COUNT) {
            return new LongResult(field, counts, null);
        }
        if (fn == WindowFunction.AVG || kind == KeyValues.Kind.DOUBLE) {
            return new DoubleResult(field, doubles, nulls);
        }
        if (kind == KeyValues.Kind.DECIMAL) {
            return new DecimalResult(field, hi, longs, nulls);
        }
        return new LongResult(field, longs, nulls);
    }

    static BigDecimal toBigDecimal(long hi, long lo, int scale) {
        byte[] bytes = new byte[16];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (hi >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (lo >>> (56 - 8 * i));
        }
        return new BigDecimal(new BigInteger(bytes), scale);
    }

    /** Calls whose result is the argument at some row (or NULL): the row's address per position. */
    private Result pick(WindowCall call, Field field) {
        long[] picked = new long[n];
        WindowFunction fn = call.function();
        FieldVector defaultVector = null;
        List<VectorSchemaRoot> batches = buffer.batches();
        long defaultAddress = RowAddressGather.NULL_ROW;
        if ((fn == WindowFunction.LAG || fn == WindowFunction.LEAD) && call.defaultValue() != null) {
            defaultVector = inSchema.getFields().get(call.argument()).createVector(allocator);
            try {
                writeValue(defaultVector, call.defaultValue());
            } catch (RuntimeException | Error e) {
                defaultVector.close();
                throw e;
            }
            defaultAddress = RowAddressGather.address(batches.size(), 0);
        }
        switch (fn) {
            case LAG, LEAD -> {
                long shift = fn == WindowFunction.LAG ? -call.offset() : call.offset();
                for (int p = 0; p < n; p++) {
                    long t = p + shift;
                    picked[p] = t >= partStart[p] && t < partEnd[p] ? buffer.address(ids[(int) t]) : defaultAddress;
                }
            }
            case FIRST_VALUE, LAST_VALUE -> {
                for (int p = 0; p < n; p++) {
                    long s = frameStart(p);
                    long e = frameEnd(p, s);
                    picked[p] = s == e ? RowAddressGather.NULL_ROW
                            : buffer.address(ids[(int) (fn == WindowFunction.FIRST_VALUE ? s : e - 1)]);
                }
            }
            default -> minMax(Arg.read(buffer, ids, call.argument()), fn == WindowFunction.MIN, picked);
        }
        FieldVector[] vectors = new FieldVector[batches.size() + (defaultVector == null ? 0 : 1)];
        for (int b = 0; b < batches.size(); b++) {
            vectors[b] = batches.get(b).getVector(call.argument());
        }
        if (defaultVector != null) {
            vectors[batches.size()] = defaultVector;
        }
        return new PickResult(field, RowAddressGather.Source.of(vectors), picked, defaultVector);
    }

    /** Sliding MIN or MAX with a deque of positions whose values are monotonic, front the best. */
    private void minMax(Arg arg, boolean min, long[] picked) {
        int[] deque = new int[0];
        int sign = min ? 1 : -1;
        for (int ps = 0; ps < n; ps = partEnd[ps]) {
            int pe = partEnd[ps];
            if (deque.length < pe - ps) {
                deque = new int[pe - ps];
            }
            int head = 0;
            int tail = 0;
            int next = ps;
            for (int p = ps; p < pe; p++) {
                long s = frameStart(p);
                long e = frameEnd(p, s);
                for (; next < e; next++) {
                    if (arg.nulls[next]) {
                        continue;
                    }
                    while (tail > head && sign * arg.compare(next, deque[tail - 1]) < 0) {
                        tail--;
                    }
                    deque[tail++] = next;
                }
                while (head < tail && deque[head] < s) {
                    head++;
                }
                picked[p] = head < tail ? buffer.address(ids[deque[head]]) : RowAddressGather.NULL_ROW;
            }
        }
    }

    /** Writes {@code value} as row 0 of the empty {@code v} (the LAG/LEAD default). */
    private static void writeValue(FieldVector v, Object value) {
        if (v instanceof BigIntVector t) {
            t.setSafe(0, ((Number) value).longValue());
        } else if (v instanceof IntVector t) {
            t.setSafe(0, ((Number) value).intValue());
        } else if (v instanceof SmallIntVector t) {
            t.setSafe(0, ((Number) value).shortValue());
        } else if (v instanceof TinyIntVector t) {
            t.setSafe(0, ((Number) value).byteValue());
        } else if (v instanceof Float8Vector t) {
            t.setSafe(0, ((Number) value).doubleValue());
        } else if (v instanceof Float4Vector t) {
            t.setSafe(0, ((Number) value).floatValue());
        } else if (v instanceof DecimalVector t) {
            BigDecimal d = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
            t.setSafe(0, d.setScale(t.getScale(), RoundingMode.HALF_UP));
        } else if (v instanceof DateDayVector t) {
            t.setSafe(0, value instanceof LocalDate d ? (int) d.toEpochDay() : ((Number) value).intValue());
        } else if (v instanceof VarCharVector t) {
            t.setSafe(0, value.toString().getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof LargeVarCharVector t) {
            t.setSafe(0, value.toString().getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof BitVector t) {
            t.setSafe(0, Boolean.TRUE.equals(value) ? 1 : 0);
        } else {
            throw NumbatException.userError("a LAG/LEAD default for column '%s' of type %s is not supported",
                    v.getName(), v.getField().getType());
        }
        v.setValueCount(1);
    }

    // ---- the argument's values by position ---------------------------------------------------------------

    /** One argument column's values in position order, held as its {@link KeyValues.Kind} says. */
    private static final class Arg {
        KeyValues.Kind kind;
        boolean[] nulls;
        /** LONG values, or the low 64 bits of DECIMAL values. */
        long[] longs;
        long[] high;
        double[] doubles;
        byte[][] bytes;
        int scale;

        static Arg read(SortBuffer buffer, int[] ids, int column) {
            int n = buffer.size();
            Arg byId = new Arg();
            byId.nulls = new boolean[n];
            int at = 0;
            for (VectorSchemaRoot batch : buffer.batches()) {
                FieldVector v = batch.getVector(column);
                int rows = batch.getRowCount();
                if (byId.kind == null) {
                    byId.kind = KeyValues.kindOf(v);
                    switch (byId.kind) {
                        case LONG -> byId.longs = new long[n];
                        case DOUBLE -> byId.doubles = new double[n];
                        case DECIMAL -> {
                            byId.longs = new long[n];
                            byId.high = new long[n];
                            byId.scale = ((DecimalVector) v).getScale();
                        }
                        default -> byId.bytes = new byte[n][];
                    }
                }
                KeyValues.readNulls(v, rows, byId.nulls, at);
                switch (byId.kind) {
                    case LONG -> KeyValues.readLongs(v, rows, byId.longs, at);
                    case DOUBLE -> KeyValues.readDoubles(v, rows, byId.doubles, at);
                    case DECIMAL -> KeyValues.readDecimals(v, rows, byId.high, byId.longs, at);
                    case BYTES -> {
                        for (int i = 0; i < rows; i++) {
                            byId.bytes[at + i] = ((BaseVariableWidthVector) v).get(i);
                        }
                    }
                    case LARGE_BYTES -> {
                        for (int i = 0; i < rows; i++) {
                            byId.bytes[at + i] = ((BaseLargeVariableWidthVector) v).get(i);
                        }
                    }
                }
                at += rows;
            }
            Arg a = new Arg();
            a.kind = byId.kind;
            a.scale = byId.scale;
            a.nulls = new boolean[n];
            a.longs = byId.longs == null ? null : new long[n];
            a.high = byId.high == null ? null : new long[n];
            a.doubles = byId.doubles == null ? null : new double[n];
            a.bytes = byId.bytes == null ? null : new byte[n][];
            for (int p = 0; p < n; p++) {
                int id = ids[p];
                a.nulls[p] = byId.nulls[id];
                if (a.longs != null) {
                    a.longs[p] = byId.longs[id];
                }
                if (a.high != null) {
                    a.high[p] = byId.high[id];
                }
                if (a.doubles != null) {
                    a.doubles[p] = byId.doubles[id];
                }
                if (a.bytes != null) {
                    a.bytes[p] = byId.bytes[id];
                }
            }
            return a;
        }

        /** Compares the non-NULL values at positions {@code a} and {@code b}. */
        int compare(int a, int b) {
            return switch (kind) {
                case LONG -> Long.compare(longs[a], longs[b]);
                case DOUBLE -> Double.compare(doubles[a], doubles[b]);
                case DECIMAL -> {
                    int c = Long.compare(high[a], high[b]);
                    yield c != 0 ? c : Long.compareUnsigned(longs[a], longs[b]);
                }
                default -> Arrays.compareUnsigned(bytes[a], bytes[b]);
            };
        }
    }

    // ---- results -----------------------------------------------------------------------------------------

    /** One call's values by position; builds the output vector of a range of positions. */
    private abstract static class Result implements AutoCloseable {
        final Field field;

        Result(Field field) {
            this.field = field;
        }

        abstract FieldVector build(int from, int count);

        @Override
        public void close() {
        }
    }

    private final class LongResult extends Result {
        final long[] values;
        final boolean[] nulls;

        LongResult(Field field, long[] values, boolean[] nulls) {
            super(field);
            this.values = values;
            this.nulls = nulls;
        }

        @Override
        FieldVector build(int from, int count) {
            BigIntVector v = (BigIntVector) field.createVector(allocator);
            v.allocateNew(count);
            for (int i = 0; i < count; i++) {
                if (nulls != null && nulls[from + i]) {
                    v.setNull(i);
                } else {
                    v.set(i, values[from + i]);
                }
            }
            v.setValueCount(count);
            return v;
        }
    }

    private final class DoubleResult extends Result {
        final double[] values;
        final boolean[] nulls;

        DoubleResult(Field field, double[] values, boolean[] nulls) {
            super(field);
            this.values = values;
            this.nulls = nulls;
        }

        @Override
        FieldVector build(int from, int count) {
            Float8Vector v = (Float8Vector) field.createVector(allocator);
            v.allocateNew(count);
            for (int i = 0; i < count; i++) {
                if (nulls[from + i]) {
                    v.setNull(i);
                } else {
                    v.set(i, values[from + i]);
                }
            }
            v.setValueCount(count);
            return v;
        }
    }

    private final class DecimalResult extends Result {
        final long[] high;
        final long[] low;
        final boolean[] nulls;

        DecimalResult(Field field, long[] high, long[] low, boolean[] nulls) {
            super(field);
            this.high = high;
            this.low = low;
            this.nulls = nulls;
        }

        @Override
        FieldVector build(int from, int count) {
            DecimalVector v = (DecimalVector) field.createVector(allocator);
            v.allocateNew(count);
            ArrowBuf data = v.getDataBuffer();
            ArrowBuf validity = v.getValidityBuffer();
            for (int i = 0; i < count; i++) {
                if (!nulls[from + i]) {
                    data.setLong((long) i << 4, low[from + i]);
                    data.setLong(((long) i << 4) + 8, high[from + i]);
                    BitVectorHelper.setBit(validity, i);
                }
            }
            v.setValueCount(count);
            return v;
        }
    }

    private final class PickResult extends Result {
        final RowAddressGather.Source source;
        final long[] addresses;
        final FieldVector owned;

        PickResult(Field field, RowAddressGather.Source source, long[] addresses, FieldVector owned) {
            super(field);
            this.source = source;
            this.addresses = addresses;
            this.owned = owned;
        }

        @Override
        FieldVector build(int from, int count) {
            return RowAddressGather.gatherColumn(field, source, addresses, from, count, allocator);
        }

        @Override
        public void close() {
            if (owned != null) {
                owned.close();
            }
        }
    }
}
