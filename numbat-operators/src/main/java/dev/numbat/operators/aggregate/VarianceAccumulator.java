package dev.numbat.operators.aggregate;

import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * var_samp, var_pop, stddev_samp and stddev_pop over any numeric column, as DOUBLE. Per group it keeps the
 * count, the mean and M2 (the sum of squared differences from the mean), updated per value with Welford's
 * method, which stays accurate where the textbook {@code sum(x²) - sum(x)²/n} cancels catastrophically. The
 * partial state is exactly (count, mean, M2), and partial states merge with Chan et al.'s parallel formula:
 * {@code n = na + nb, δ = mean_b - mean_a, mean = mean_a + δ·nb/n, M2 = M2a + M2b + δ²·na·nb/n}.
 *
 * <p>Sample variance of fewer than two values and population variance of none are NULL. DECIMAL inputs are
 * converted to the nearest double of their value.
 */
final class VarianceAccumulator extends Accumulator {
    private final ColumnKind kind;
    private final double scaleDivisor;
    private long[] counts = new long[0];
    private double[] means = new double[0];
    private double[] m2s = new double[0];

    VarianceAccumulator(AggregateCall call, Field arg, ColumnKind kind) {
        super(call, arg);
        this.kind = kind;
        this.scaleDivisor = kind == ColumnKind.DECIMAL
                ? ColumnKind.POWERS_OF_TEN[((ArrowType.Decimal) arg.getType()).getScale()] : 1.0;
    }

    @Override
    List<Field> stateFields() {
        return List.of(stateField("count", BIGINT, false), stateField("mean", DOUBLE, false),
                stateField("m2", DOUBLE, false));
    }

    @Override
    Field resultField() {
        return result(DOUBLE, true);
    }

    @Override
    void ensureCapacity(int groups) {
        counts = grow(counts, groups);
        means = grow(means, groups);
        m2s = grow(m2s, groups);
    }

    @Override
    void add(FieldVector argument, int[] groups, int rowCount) {
        ArrowBuf data = argument.getDataBuffer();
        ArrowBuf validity = argument.getValidityBuffer();
        boolean nulls = argument.getNullCount() > 0;
        long[] n = counts;
        double[] mean = means;
        double[] m2 = m2s;
        for (int i = 0; i < rowCount; i++) {
            if (nulls && ColumnKind.isNull(validity, i)) {
                continue;
            }
            double x = switch (kind) {
                case FLOAT4, FLOAT8 -> ColumnKind.readDouble(kind, data, i);
                case DECIMAL -> ColumnKind.int128ToDouble(data.getLong(((long) i << 4) + 8),
                        data.getLong((long) i << 4)) / scaleDivisor;
                default -> ColumnKind.readLong(data, kind.width, i);
            };
            int g = groups[i];
            long c = ++n[g];
            double delta = x - mean[g];
            mean[g] += delta / c;
            m2[g] += delta * (x - mean[g]);
        }
    }

    @Override
    void merge(List<FieldVector> state, int at, int[] groups, int rowCount) {
        ArrowBuf cData = state.get(at).getDataBuffer();
        ArrowBuf meanData = state.get(at + 1).getDataBuffer();
        ArrowBuf m2Data = state.get(at + 2).getDataBuffer();
        for (int i = 0; i < rowCount; i++) {
            long nb = cData.getLong((long) i << 3);
            if (nb == 0) {
                continue;
            }
            double meanB = meanData.getDouble((long) i << 3);
            double m2B = m2Data.getDouble((long) i << 3);
            int g = groups[i];
            long na = counts[g];
            if (na == 0) {
                counts[g] = nb;
                means[g] = meanB;
                m2s[g] = m2B;
                continue;
            }
            long n = na + nb;
            double delta = meanB - means[g];
            means[g] += delta * nb / n;
            m2s[g] += m2B + delta * delta * ((double) na * nb / n);
            counts[g] = n;
        }
    }

    @Override
    void writeState(List<FieldVector> out, int at, int from, int count) {
        writeBigints(out.get(at), counts, from, count);
        writeDoubles(out.get(at + 1), means, from, count);
        writeDoubles(out.get(at + 2), m2s, from, count);
    }

    @Override
    void writeResult(FieldVector out, int from, int count) {
        ColumnKind.allocateFixed(out, count);
        AggregateFunction f = call.function();
        boolean sample = f == AggregateFunction.VAR_SAMP || f == AggregateFunction.STDDEV_SAMP;
        boolean sqrt = f == AggregateFunction.STDDEV_SAMP || f == AggregateFunction.STDDEV_POP;
        for (int i = 0; i < count; i++) {
            long n = counts[from + i];
            if (n == 0 || (sample && n == 1)) {
                continue;
            }
            double var = Math.max(0.0, m2s[from + i]) / (sample ? n - 1 : n);
            ColumnKind.writeDouble(ColumnKind.FLOAT8, out, i, sqrt ? Math.sqrt(var) : var);
        }
        out.setValueCount(count);
    }

    @Override
    void clear() {
        counts = new long[0];
        means = new double[0];
        m2s = new double[0];
    }
}
