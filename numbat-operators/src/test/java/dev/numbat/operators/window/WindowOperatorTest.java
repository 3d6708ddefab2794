package dev.numbat.operators.window;

import static dev.numbat.operators.testing.OperatorHarness.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.NumbatException;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.operators.sort.SortKey;
import dev.numbat.operators.testing.BatchBuilder;
import dev.numbat.operators.testing.Fields;
import dev.numbat.operators.testing.OperatorHarness;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.function.ToLongFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WindowOperatorTest {
    static final Schema SCHEMA = Fields.schema(Fields.bigint("k"), Fields.bigint("o"), Fields.bigint("v"),
            Fields.bigint("id"));
    static final int K = 0;
    static final int O = 1;
    static final int V = 2;
    static final int ID = 3;

    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    private static WindowSpec spec(List<Integer> partition, List<SortKey> order, WindowFrame frame) {
        return new WindowSpec(partition, order, frame);
    }

    @Test
    void rankingFunctionsWithTiesAndNulls() {
        WindowSpec spec = spec(List.of(K), List.of(SortKey.asc(O)), WindowFrame.DEFAULT);
        BatchBuilder in = BatchBuilder.of(SCHEMA)
                .row(1L, 5L, 10L, 1L).row(1L, 3L, null, 2L).row(1L, 5L, 7L, 3L).row(1L, null, 1L, 4L)
                .row(null, 2L, 4L, 5L).row(null, 2L, 6L, 6L).row(2L, 9L, 3L, 7L);
        OperatorHarness.of(WindowOperator.factory(spec, List.of(
                        WindowCall.of(WindowFunction.RANK, "r"), WindowCall.of(WindowFunction.DENSE_RANK, "dr"),
                        WindowCall.of(WindowFunction.SUM, V, "s"), WindowCall.of(WindowFunction.COUNT_STAR, "c"))),
                        allocator)
                .input(0, in)
                .expectRowsUnordered(List.of(
                        row(1L, 3L, null, 2L, 1L, 1L, null, 1L),
                        row(1L, 5L, 10L, 1L, 2L, 2L, 17L, 3L),
                        row(1L, 5L, 7L, 3L, 2L, 2L, 17L, 3L),
                        row(1L, null, 1L, 4L, 4L, 3L, 18L, 4L),
                        row(null, 2L, 4L, 5L, 1L, 1L, 10L, 2L),
                        row(null, 2L, 6L, 6L, 1L, 1L, 10L, 2L),
                        row(2L, 9L, 3L, 7L, 1L, 1L, 3L, 1L)))
                .run();
    }

    @Test
    void decimalSumsStringsAndLagDefaultsInSmallBatches() {
        Schema schema = Fields.schema(Fields.varchar("k"), Fields.decimal("m", 10, 2), Fields.varchar("s"),
                Fields.bigint("id"));
        WindowSpec spec = spec(List.of(0), List.of(SortKey.asc(3)),
                WindowFrame.rows(-1, 1));
        BatchBuilder in = BatchBuilder.of(schema)
                .row("a", new BigDecimal("1.50"), "x", 1L).row("a", null, "b", 2L).row("a", new BigDecimal("-2.25"), null, 3L)
                .row("b", new BigDecimal("10.00"), "zz", 4L);
        WindowOperator.Factory factory = WindowOperator.factory(spec, List.of(
                WindowCall.of(WindowFunction.SUM, 1, "sum"), WindowCall.of(WindowFunction.AVG, 1, "avg"),
                WindowCall.of(WindowFunction.MIN, 2, "min"), WindowCall.of(WindowFunction.MAX, 2, "max"),
                WindowCall.shift(WindowFunction.LAG, 2, 1, "none", "lag"),
                WindowCall.shift(WindowFunction.LEAD, 1, 2, null, "lead"))).withOutputBatchRows(2);
        Schema out = factory.outputSchema(List.of(schema));
        assertThat(out.getFields().get(4).getType()).isEqualTo(new ArrowType.Decimal(38, 2, 128));
        assertThat(out.getFields().get(5).getType()).isEqualTo(Fields.float64("x").getType());
        assertThat(out.getFields().get(6).getType()).isEqualTo(new ArrowType.Utf8());
        OperatorHarness.of(factory, allocator)
                .input(0, in)
                .expectRows(List.of(
                        row("a", new BigDecimal("1.50"), "x", 1L, new BigDecimal("1.50"), 1.5, "b", "x", "none",
                                new BigDecimal("-2.25")),
                        row("a", null, "b", 2L, new BigDecimal("-0.75"), -0.375, "b", "x", "x", null),
                        row("a", new BigDecimal("-2.25"), null, 3L, new BigDecimal("-2.25"), -2.25, "b", "b", "b", null),
                        row("b", new BigDecimal("10.00"), "zz", 4L, new BigDecimal("10.00"), 10.0, "zz", "zz", "none",
                                null)))
                .run();
    }

    @Test
    void noPartitionNoOrderIsOneWholeFrame() {
        OperatorHarness.of(WindowOperator.factory(spec(List.of(), List.of(), WindowFrame.WHOLE_PARTITION), List.of(
                        WindowCall.of(WindowFunction.SUM, V, "s"), WindowCall.of(WindowFunction.MAX, V, "mx"),
                        WindowCall.of(WindowFunction.COUNT, V, "c"))), allocator)
                .input(0, BatchBuilder.of(SCHEMA).row(1L, 1L, 4L, 1L).row(2L, 2L, null, 2L).row(3L, 3L, 9L, 3L))
                .expectRowsUnordered(List.of(row(1L, 1L, 4L, 1L, 13L, 9L, 2L), row(2L, 2L, null, 2L, 13L, 9L, 2L),
                        row(3L, 3L, 9L, 3L, 13L, 9L, 2L)))
                .run();
    }

    @Test
    void emptyInputEmitsNothing() {
        OperatorHarness.of(WindowOperator.factory(spec(List.of(K), List.of(), WindowFrame.WHOLE_PARTITION),
                        List.of(WindowCall.of(WindowFunction.ROW_NUMBER, "rn"))), allocator)
                .emptyInput(0, SCHEMA)
                .expectNoRows()
                .run();
    }

    @Test
    void sumOfAStringIsAUserError() {
        Schema schema = Fields.schema(Fields.varchar("s"));
        WindowOperator.Factory f = WindowOperator.factory(spec(List.of(), List.of(), WindowFrame.WHOLE_PARTITION),
                List.of(WindowCall.of(WindowFunction.SUM, 0, "x")));
        assertThatThrownBy(() -> f.outputSchema(List.of(schema))).isInstanceOf(NumbatException.class);
        assertThatThrownBy(() -> new WindowFrame(false, -2, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    // ------------------------------------------------------------------ random rows against a reference

    @Test
    void randomRowsWithPeersMatchReference() {
        List<Long[]> rows = randomRows(400, 7);
        WindowSpec spec = spec(List.of(K), List.of(SortKey.asc(O)), WindowFrame.DEFAULT);
        checkAgainstReference(rows, spec, List.of(WindowCall.of(WindowFunction.RANK, "r"),
                WindowCall.of(WindowFunction.DENSE_RANK, "dr"), WindowCall.of(WindowFunction.SUM, V, "s"),
                WindowCall.of(WindowFunction.SUM0, V, "s0"), WindowCall.of(WindowFunction.COUNT, V, "c"),
                WindowCall.of(WindowFunction.COUNT_STAR, "cs"), WindowCall.of(WindowFunction.MIN, V, "mn"),
                WindowCall.of(WindowFunction.MAX, V, "mx"), WindowCall.of(WindowFunction.AVG, V, "a")));
        WindowSpec after = spec(List.of(K), List.of(SortKey.desc(O)),
                new WindowFrame(false, 0, WindowFrame.UNBOUNDED_FOLLOWING));
        checkAgainstReference(rows, after, List.of(WindowCall.of(WindowFunction.SUM, V, "s"),
                WindowCall.of(WindowFunction.MIN, V, "mn"), WindowCall.of(WindowFunction.COUNT_STAR, "cs")));
    }

    @Test
    void randomRowsWithRowsFramesMatchReference() {
        List<Long[]> rows = randomRows(400, 11);
        List<SortKey> order = List.of(SortKey.asc(O), SortKey.asc(ID));
        for (WindowFrame frame : List.of(WindowFrame.rows(-2, 1), WindowFrame.rows(-3, 0), WindowFrame.rows(1, 3),
                WindowFrame.rows(-4, -2), WindowFrame.rows(WindowFrame.UNBOUNDED_PRECEDING, -1),
                WindowFrame.rows(2, WindowFrame.UNBOUNDED_FOLLOWING))) {
            checkAgainstReference(rows, spec(List.of(K), order, frame), List.of(
                    WindowCall.of(WindowFunction.ROW_NUMBER, "rn"), WindowCall.of(WindowFunction.SUM, V, "s"),
                    WindowCall.of(WindowFunction.MIN, V, "mn"), WindowCall.of(WindowFunction.MAX, V, "mx"),
                    WindowCall.of(WindowFunction.COUNT, V, "c"), WindowCall.of(WindowFunction.FIRST_VALUE, V, "f"),
                    WindowCall.of(WindowFunction.LAST_VALUE, V, "l"),
                    WindowCall.shift(WindowFunction.LAG, V, 2, 99L, "lag"),
                    WindowCall.shift(WindowFunction.LEAD, V, 1, null, "lead")));
        }
    }

    private static List<Long[]> randomRows(int n, long seed) {
        Random r = new Random(seed);
        List<Long[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new Long[] {r.nextInt(8) == 0 ? null : (long) r.nextInt(5),
                r.nextInt(8) == 0 ? null : (long) r.nextInt(10),
                r.nextInt(6) == 0 ? null : (long) r.nextInt(101) - 50, (long) i});
        }
        return rows;
    }

    private void checkAgainstReference(List<Long[]> rows, WindowSpec spec, List<WindowCall> calls) {
        BatchBuilder in = BatchBuilder.of(SCHEMA);
        for (Long[] row : rows) {
            in.row((Object[]) row);
        }
        OperatorHarness.of(WindowOperator.factory(spec, calls).withOutputBatchRows(64), allocator)
                .input(0, in)
                .expectRowsUnordered(reference(rows, spec, calls))
                .run();
    }

    /** Each row's results computed from scratch: its partition sorted, its frame picked by index or peers. */
    private static List<List<Object>> reference(List<Long[]> rows, WindowSpec spec, List<WindowCall> calls) {
        Comparator<Long[]> order = (a, b) -> {
            for (SortKey key : spec.orderBy()) {
                Long x = a[key.column()];
                Long y = b[key.column()];
                int c;
                if (x == null || y == null) {
                    c = x == y ? 0 : (x == null) == key.nullsFirst() ? -1 : 1;
                } else {
                    c = key.ascending() ? Long.compare(x, y) : Long.compare(y, x);
                }
                if (c != 0) {
                    return c;
                }
            }
            return 0;
        };
        List<List<Object>> out = new ArrayList<>();
        for (Long[] row : rows) {
            List<Long[]> part = new ArrayList<>();
            for (Long[] other : rows) {
                boolean same = true;
                for (int c : spec.partitionBy()) {
                    same &= Objects.equals(row[c], other[c]);
                }
                if (same) {
                    part.add(other);
                }
            }
            part.sort(order.thenComparing(a -> a[ID])); // stable: arrival order is id order
            int p = part.indexOf(row);
            int peerFirst = p;
            while (peerFirst > 0 && order.compare(part.get(peerFirst - 1), row) == 0) {
                peerFirst--;
            }
            int peerEnd = p + 1;
            while (peerEnd < part.size() && order.compare(part.get(peerEnd), row) == 0) {
                peerEnd++;
            }
            WindowFrame f = spec.frame();
            long s = f.lower() == WindowFrame.UNBOUNDED_PRECEDING ? 0 : f.rows() ? p + f.lower() : peerFirst;
            long e = f.upper() == WindowFrame.UNBOUNDED_FOLLOWING ? part.size() : f.rows() ? p + f.upper() + 1 : peerEnd;
            s = Math.max(0, Math.min(s, part.size()));
            e = Math.max(s, Math.min(e, part.size()));
            List<Long> frame = new ArrayList<>();
            for (long i = s; i < e; i++) {
                frame.add(part.get((int) i)[V]);
            }
            List<Long> values = frame.stream().filter(Objects::nonNull).toList();
            List<Object> result = new ArrayList<>(java.util.Arrays.asList((Object[]) row));
            for (WindowCall call : calls) {
                result.add(switch (call.function()) {
                    case ROW_NUMBER -> (long) p + 1;
                    case RANK -> (long) peerFirst + 1;
                    case DENSE_RANK -> part.subList(0, p + 1).stream().map(a -> a[O]).distinct().count();
                    case COUNT_STAR -> e - s;
                    case COUNT -> (long) values.size();
                    case SUM -> values.isEmpty() ? null : values.stream().mapToLong(Long::longValue).sum();
                    case SUM0 -> values.stream().mapToLong(Long::longValue).sum();
                    case AVG -> values.isEmpty() ? null : values.stream().mapToLong(Long::longValue).average()
                            .getAsDouble();
                    case MIN -> values.stream().min(Long::compare).orElse(null);
                    case MAX -> values.stream().max(Long::compare).orElse(null);
                    case FIRST_VALUE -> frame.isEmpty() ? null : frame.get(0);
                    case LAST_VALUE -> frame.isEmpty() ? null : frame.get(frame.size() - 1);
                    case LAG, LEAD -> {
                        long t = p + (call.function() == WindowFunction.LAG ? -call.offset() : call.offset());
                        yield t >= 0 && t < part.size() ? part.get((int) t)[V] : call.defaultValue();
                    }
                });
            }
            out.add(result);
        }
        return out;
    }
}
