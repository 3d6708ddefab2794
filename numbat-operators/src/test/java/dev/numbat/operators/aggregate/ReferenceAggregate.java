package dev.numbat.operators.aggregate;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A deliberately naive GROUP BY over rows of Java values (as {@code Values.get} returns them), the oracle for
 * {@link HashAggregateOperator}: a map from key lists to row lists, then each function computed from the
 * group's values with BigDecimal arithmetic and two-pass variance.
 */
final class ReferenceAggregate {
    private ReferenceAggregate() {
    }

    static List<List<Object>> aggregate(List<List<Object>> rows, List<Integer> keys, List<AggregateCall> calls) {
        Map<List<Object>, List<List<Object>>> groups = new LinkedHashMap<>();
        for (List<Object> row : rows) {
            List<Object> key = new ArrayList<>();
            for (int k : keys) {
                Object v = row.get(k);
                key.add(v instanceof byte[] b ? new Bytes(b) : v);
            }
            groups.computeIfAbsent(key, x -> new ArrayList<>()).add(row);
        }
        if (keys.isEmpty() && groups.isEmpty()) {
            groups.put(List.of(), List.of());
        }
        List<List<Object>> out = new ArrayList<>();
        groups.forEach((key, groupRows) -> {
            List<Object> row = new ArrayList<>();
            for (Object k : key) {
                row.add(k instanceof Bytes b ? b.bytes : k);
            }
            for (AggregateCall call : calls) {
                row.add(compute(call, groupRows));
            }
            out.add(row);
        });
        return out;
    }

    private record Bytes(byte[] bytes) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Bytes b && Arrays.equals(bytes, b.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static Object compute(AggregateCall call, List<List<Object>> rows) {
        if (call.function() == AggregateFunction.COUNT_STAR) {
            return (long) rows.size();
        }
        List<Object> values = new ArrayList<>();
        for (List<Object> r : rows) {
            if (r.get(call.argument()) != null) {
                values.add(r.get(call.argument()));
            }
        }
        switch (call.function()) {
            case COUNT:
                return (long) values.size();
            case COUNT_DISTINCT: {
                Set<Object> set = new HashSet<>();
                for (Object v : values) {
                    set.add(v instanceof byte[] b ? new Bytes(b) : v instanceof BigDecimal d ? d.stripTrailingZeros()
                            : v);
                }
                return (long) set.size();
            }
            default:
                break;
        }
        if (values.isEmpty()) {
            return null;
        }
        Object first = values.get(0);
        switch (call.function()) {
            case MIN, MAX: {
                Object best = first;
                for (Object v : values) {
                    int c = compare(v, best);
                    if (call.function() == AggregateFunction.MIN ? c < 0 : c > 0) {
                        best = v;
                    }
                }
                return best;
            }
            case SUM: {
                if (first instanceof Double || first instanceof Float) {
                    double s = 0;
                    for (Object v : values) {
                        s += ((Number) v).doubleValue();
                    }
                    return s;
                }
                BigDecimal s = sum(values);
                if (first instanceof BigDecimal) {
                    return s;
                }
                BigInteger i = s.toBigIntegerExact();
                if (i.bitLength() > 63) {
                    throw new ArithmeticException("BIGINT overflow");
                }
                return i.longValue();
            }
            case AVG: {
                if (first instanceof Double || first instanceof Float) {
                    double s = 0;
                    for (Object v : values) {
                        s += ((Number) v).doubleValue();
                    }
                    return s / values.size();
                }
                return sum(values).divide(BigDecimal.valueOf(values.size()), MathContext.DECIMAL128).doubleValue();
            }
            default: {
                double mean = 0;
                for (Object v : values) {
                    mean += toDouble(v);
                }
                mean /= values.size();
                double ss = 0;
                for (Object v : values) {
                    double d = toDouble(v) - mean;
                    ss += d * d;
                }
                int n = values.size();
                boolean sample = call.function() == AggregateFunction.VAR_SAMP
                        || call.function() == AggregateFunction.STDDEV_SAMP;
                if (sample && n < 2) {
                    return null;
                }
                double var = ss / (sample ? n - 1 : n);
                boolean sqrt = call.function() == AggregateFunction.STDDEV_SAMP
                        || call.function() == AggregateFunction.STDDEV_POP;
                return sqrt ? Math.sqrt(var) : var;
            }
        }
    }

    private static double toDouble(Object v) {
        return v instanceof BigDecimal d ? d.doubleValue() : ((Number) v).doubleValue();
    }

    private static BigDecimal sum(List<Object> values) {
        BigDecimal s = BigDecimal.ZERO;
        for (Object v : values) {
            s = s.add(v instanceof BigDecimal d ? d : BigDecimal.valueOf(((Number) v).longValue()));
        }
        return s;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static int compare(Object a, Object b) {
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.compareUnsigned(x, y);
        }
        if (a instanceof String x && b instanceof String y) {
            return Arrays.compareUnsigned(x.getBytes(java.nio.charset.StandardCharsets.UTF_8),
                    y.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        return ((Comparable) a).compareTo(b);
    }
}
