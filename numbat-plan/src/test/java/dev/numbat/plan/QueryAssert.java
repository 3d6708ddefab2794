package dev.numbat.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.numbat.core.batch.Values;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.runtime.Job;
import dev.numbat.runtime.LocalRuntime;
import dev.numbat.runtime.RuntimeOptions;
import dev.numbat.runtime.TaskGraph;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Runs task graphs on a {@link LocalRuntime} (leak-checked) and compares rows with an oracle's. */
final class QueryAssert {
    private QueryAssert() {
    }

    /** Every result row of {@code graph}, normalised, checking that no Arrow memory leaks. */
    static List<List<Object>> run(TaskGraph graph) {
        List<List<Object>> rows = new ArrayList<>();
        try (BufferAllocator root = TestAllocator.create();
                LocalRuntime runtime = new LocalRuntime(RuntimeOptions.defaults().withThreads(2), root)) {
            try (Job job = runtime.submit(graph, root)) {
                Iterator<VectorSchemaRoot> it = job.results();
                while (it.hasNext()) {
                    try (VectorSchemaRoot batch = it.next()) {
                        for (int r = 0; r < batch.getRowCount(); r++) {
                            List<Object> row = new ArrayList<>();
                            for (var v : batch.getFieldVectors()) {
                                row.add(normalise(Values.get(v, r)));
                            }
                            rows.add(row);
                        }
                    }
                }
                job.await();
            }
        }
        return rows;
    }

    static Object normalise(Object v) {
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof BigInteger b) {
            return b.longValueExact();
        }
        if (v instanceof Float f) {
            return f.doubleValue();
        }
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        return v;
    }

    /** Asserts equal rows; when {@code ordered} is false both sides are sorted first. */
    static void assertSameRows(List<List<Object>> actual, List<List<Object>> expected, boolean ordered) {
        List<List<Object>> a = new ArrayList<>(actual);
        List<List<Object>> e = new ArrayList<>(expected);
        if (!ordered) {
            a.sort(ROWS);
            e.sort(ROWS);
        }
        assertThat(a).as("row count (actual %s, expected %s)", head(a), head(e)).hasSameSizeAs(e);
        for (int r = 0; r < e.size(); r++) {
            List<Object> x = a.get(r);
            List<Object> y = e.get(r);
            if (x.size() != y.size()) {
                fail("row %d has %d columns, expected %d: %s vs %s", r, x.size(), y.size(), x, y);
            }
            for (int c = 0; c < y.size(); c++) {
                if (!same(x.get(c), y.get(c))) {
                    fail("row %d column %d: got %s (%s), expected %s (%s)%nactual row %s%nexpected row %s", r, c,
                            x.get(c), type(x.get(c)), y.get(c), type(y.get(c)), x, y);
                }
            }
        }
    }

    private static String type(Object o) {
        return o == null ? "null" : o.getClass().getSimpleName();
    }

    private static List<List<Object>> head(List<List<Object>> rows) {
        return rows.subList(0, Math.min(5, rows.size()));
    }

    private static boolean same(Object x, Object y) {
        if (x == null || y == null) {
            return x == y;
        }
        if (x instanceof Number a && y instanceof Number b) {
            if (a instanceof Double || b instanceof Double) {
                double p = a.doubleValue();
                double q = b.doubleValue();
                return p == q || Math.abs(p - q) <= 1e-9 * Math.max(Math.abs(p), Math.abs(q));
            }
            return decimal(a).compareTo(decimal(b)) == 0;
        }
        return x.equals(y);
    }

    private static BigDecimal decimal(Number n) {
        return n instanceof BigDecimal d ? d : BigDecimal.valueOf(n.longValue());
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object x, Object y) {
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        if (x instanceof Number a && y instanceof Number b) {
            return Double.compare(a.doubleValue(), b.doubleValue());
        }
        if (x instanceof LocalDate || x instanceof String) {
            return ((Comparable) x).compareTo(y);
        }
        return x.toString().compareTo(y.toString());
    }

    private static final Comparator<List<Object>> ROWS = (x, y) -> {
        for (int i = 0; i < Math.min(x.size(), y.size()); i++) {
            int c = compareValues(x.get(i), y.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.size(), y.size());
    };
}
