package dev.numbat.cluster.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import dev.numbat.cluster.proto.TaskGraphProto;
import dev.numbat.cluster.proto.UserObject;
import dev.numbat.core.batch.Values;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.runtime.Job;
import dev.numbat.runtime.LocalRuntime;
import dev.numbat.runtime.RuntimeOptions;
import dev.numbat.runtime.TaskGraph;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Running graphs, comparing their rows, and looking inside plan messages. */
final class CodecTesting {
    private CodecTesting() {
    }

    /** Encodes {@code g} to bytes and decodes it with user code allowed, checking the message is stable. */
    static TaskGraph roundTrip(TaskGraph g) {
        TaskGraphProto proto = PlanCodec.toProto(g);
        TaskGraph decoded = PlanCodec.decode(proto.toByteArray(), CodecTesting.class.getClassLoader(), true);
        assertThat(PlanCodec.toProto(decoded)).as("the decoded graph encodes to the same message").isEqualTo(proto);
        assertThat(decoded.explain()).isEqualTo(g.explain());
        return decoded;
    }

    /** A graph of one source, whose batches are the output. */
    static TaskGraph sourceOnly(dev.numbat.core.source.Source source) {
        TaskGraph.Builder b = TaskGraph.builder();
        return b.output(b.source("scan", source, 1)).build();
    }

    /** Every result row of {@code graph} on a 2-thread local runtime, checking that no Arrow memory leaks. */
    static List<List<Object>> run(TaskGraph graph) {
        try (BufferAllocator root = TestAllocator.create()) {
            return run(graph, root);
        }
    }

    /** {@link #run(TaskGraph)} under {@code root} (which in-memory sources of the graph must share). */
    static List<List<Object>> run(TaskGraph graph, BufferAllocator root) {
        List<List<Object>> rows = new ArrayList<>();
        try (BufferAllocator jobs = root.newChildAllocator("jobs", 0, Long.MAX_VALUE);
                LocalRuntime runtime = new LocalRuntime(RuntimeOptions.defaults().withThreads(2), jobs)) {
            try (Job job = runtime.submit(graph, jobs)) {
                Iterator<VectorSchemaRoot> it = job.results();
                while (it.hasNext()) {
                    try (VectorSchemaRoot batch = it.next()) {
                        for (int r = 0; r < batch.getRowCount(); r++) {
                            List<Object> row = new ArrayList<>();
                            for (var v : batch.getFieldVectors()) {
                                Object value = Values.get(v, r);
                                row.add(value instanceof byte[] b ? Arrays.toString(b) : value);
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

    /**
     * Asserts equal rows: in order when {@code ordered}, else as sorted multisets. Doubles may differ in the last
     * bits (summation order changes with the channel a batch lands on).
     */
    static void assertSameRows(List<List<Object>> actual, List<List<Object>> expected, boolean ordered) {
        List<List<Object>> a = new ArrayList<>(actual);
        List<List<Object>> e = new ArrayList<>(expected);
        if (!ordered) {
            a.sort(ROWS);
            e.sort(ROWS);
        }
        assertThat(a).as("row count").hasSameSizeAs(e);
        for (int r = 0; r < e.size(); r++) {
            List<Object> x = a.get(r);
            List<Object> y = e.get(r);
            assertThat(x).as("row %d", r).hasSameSizeAs(y);
            for (int c = 0; c < y.size(); c++) {
                if (!same(x.get(c), y.get(c))) {
                    fail("row %d column %d: got %s, expected %s%nactual row %s%nexpected row %s", r, c, x.get(c),
                            y.get(c), x, y);
                }
            }
        }
    }

    private static boolean same(Object x, Object y) {
        if (x instanceof Double p && y instanceof Double q) {
            return p.equals(q) || Math.abs(p - q) <= 1e-9 * Math.max(Math.abs(p), Math.abs(q));
        }
        return java.util.Objects.equals(x, y);
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object x, Object y) {
        if (x == null || y == null) {
            return x == null ? (y == null ? 0 : -1) : 1;
        }
        if (x instanceof Number a && y instanceof Number b && x.getClass() != y.getClass()) {
            return new BigDecimal(a.toString()).compareTo(new BigDecimal(b.toString()));
        }
        if (x instanceof Comparable c && x.getClass() == y.getClass()) {
            return c.compareTo(y);
        }
        return x.toString().compareTo(y.toString());
    }

    static final Comparator<List<Object>> ROWS = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = compareValues(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    /** The user objects anywhere in {@code message}. */
    static List<UserObject> userObjects(Message message) {
        List<UserObject> out = new ArrayList<>();
        visit(message, m -> {
            if (m instanceof UserObject u) {
                out.add(u);
            }
        });
        return out;
    }

    /** Calls {@code visitor} on {@code message} and every message inside it. */
    static void visit(Message message, Consumer<Message> visitor) {
        visitor.accept(message);
        for (Map.Entry<FieldDescriptor, Object> f : message.getAllFields().entrySet()) {
            if (f.getKey().getJavaType() != FieldDescriptor.JavaType.MESSAGE) {
                continue;
            }
            if (f.getKey().isRepeated()) {
                for (Object m : (List<?>) f.getValue()) {
                    visit((Message) m, visitor);
                }
            } else {
                visit((Message) f.getValue(), visitor);
            }
        }
    }
}
