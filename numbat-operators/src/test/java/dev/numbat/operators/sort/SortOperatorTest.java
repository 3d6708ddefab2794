package dev.numbat.operators.sort;

import static dev.numbat.operators.testing.OperatorHarness.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.operators.testing.BatchBuilder;
import dev.numbat.operators.testing.Fields;
import dev.numbat.operators.testing.OperatorHarness;
import dev.numbat.operators.testing.OperatorHarness.Mode;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SortOperatorTest {
    static final Schema SCHEMA = Fields.schema(Fields.integer("i"), Fields.bigint("l"), Fields.varchar("s"),
            Fields.decimal("d", 20, 3), Fields.float64("x"), Fields.date("day"), Fields.bool("b"),
            Fields.bigint("id"));

    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    // ------------------------------------------------------------------ data and reference

    private static final String[] STRINGS = {"", "a", "A", "ab", "abc", "abcdefgh", "abcdefgh\u0000",
        "abcdefghij-1", "abcdefghij-2", "abcdefghi", "zz", "é", "ü-umlaut", "日本", "\u007f", "ab\u00ff"};
    private static final BigDecimal[] DECIMALS = {new BigDecimal("0.000"), new BigDecimal("-0.001"),
        new BigDecimal("1.500"), new BigDecimal("-99999999999999999.999"), new BigDecimal("99999999999999999.999"),
        new BigDecimal("12.345"), new BigDecimal("-12.345")};
    private static final double[] DOUBLES = {0.0, -0.0, 1.5, -1.5, Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, 1e300, -1e-300};

    /** Random rows over small domains (so keys tie often), about one value in eight NULL; id = row number. */
    static BatchBuilder randomRows(int n, long seed) {
        Random r = new Random(seed);
        BatchBuilder b = BatchBuilder.of(SCHEMA);
        for (int k = 0; k < n; k++) {
            b.row(nullOr(r, r.nextInt(7) - 3), nullOr(r, r.nextInt(2) == 0 ? (long) r.nextInt(5) : r.nextLong()),
                    nullOr(r, STRINGS[r.nextInt(STRINGS.length)]), nullOr(r, DECIMALS[r.nextInt(DECIMALS.length)]),
                    nullOr(r, DOUBLES[r.nextInt(DOUBLES.length)]),
                    nullOr(r, LocalDate.of(1969, 12, 25).plusDays(r.nextInt(20))), nullOr(r, r.nextBoolean()),
                    (long) k);
        }
        return b;
    }

    private static Object nullOr(Random r, Object value) {
        return r.nextInt(8) == 0 ? null : value;
    }

    /** The rows sorted by {@code keys} with a plain Java stable sort: the order SQL asks for. */
    static List<List<Object>> reference(List<List<Object>> rows, List<SortKey> keys) {
        Comparator<List<Object>> cmp = (a, b) -> 0;
        for (SortKey k : keys) {
            cmp = cmp.thenComparing((a, b) -> compareKey(a.get(k.column()), b.get(k.column()), k));
        }
        List<List<Object>> sorted = new ArrayList<>(rows);
        sorted.sort(cmp);
        return sorted;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareKey(Object a, Object b, SortKey key) {
        if (a == null || b == null) {
            if (a == b) {
                return 0;
            }
            return (a == null) == key.nullsFirst() ? -1 : 1;
        }
        int c;
        if (a instanceof String x) {
            c = Arrays.compareUnsigned(x.getBytes(StandardCharsets.UTF_8),
                    ((String) b).getBytes(StandardCharsets.UTF_8));
        } else if (a instanceof Double x) {
            c = Double.compare(x == 0.0 ? 0.0 : x, (Double) b == 0.0 ? 0.0 : (Double) b);
        } else if (a instanceof Integer || a instanceof Long) {
            c = Long.compare(((Number) a).longValue(), ((Number) b).longValue());
        } else {
            c = ((Comparable) a).compareTo(b);
        }
        return key.ascending() ? c : -c;
    }

    // ------------------------------------------------------------------ tests

    @Test
    void mixedDirectionsAndNullPlacementsOverEveryKeyType() {
        BatchBuilder rows = randomRows(1500, 1);
        List<List<SortKey>> orders = List.of(
                List.of(SortKey.asc(2)),
                List.of(SortKey.desc(2).withNullsLast(), SortKey.asc(0)),
                List.of(SortKey.asc(3).withNullsFirst(), SortKey.desc(1)),
                List.of(SortKey.desc(4), SortKey.asc(5).withNullsFirst()),
                List.of(SortKey.asc(6), SortKey.desc(0).withNullsLast(), SortKey.asc(2).withNullsFirst()),
                List.of(SortKey.desc(5), SortKey.desc(3), SortKey.asc(4).withNullsFirst(), SortKey.desc(1)),
                List.of(SortKey.asc(1)));
        for (List<SortKey> keys : orders) {
            OperatorHarness.of(SortOperator.factory(keys).withOutputBatchRows(200), allocator)
                    .input(0, BatchBuilder.of(SCHEMA).rows(rows.rowsAsLists().subList(0, 700)),
                            BatchBuilder.of(SCHEMA),
                            BatchBuilder.of(SCHEMA).rows(rows.rowsAsLists().subList(700, 1500)))
                    .expectSchema(SCHEMA)
                    .expectRows(reference(rows.rowsAsLists(), keys))
                    .doubleTolerance(0)
                    .run();
        }
    }

    @Test
    void stringsCompareAsUnsignedBytesIncludingLongSharedPrefixes() {
        Schema s = Fields.schema(Fields.varchar("s"));
        BatchBuilder b = BatchBuilder.of(s);
        List<String> values = new ArrayList<>(Arrays.asList(STRINGS));
        values.add("abcdefgh\u0001");
        values.add("abcdefgh");
        for (int i = values.size() - 1; i >= 0; i--) {
            b.row(values.get(i));
        }
        List<List<Object>> expected = reference(b.rowsAsLists(), List.of(SortKey.asc(0)));
        assertThat(expected.get(0)).containsExactly("");
        assertThat(expected.get(expected.size() - 1)).containsExactly("日本");
        OperatorHarness.of(SortOperator.factory(SortKey.asc(0)), allocator)
                .input(0, b)
                .expectRows(expected)
                .run();
    }

    @Test
    void outputIsCutIntoBoundedBatches() {
        int n = 140_000;
        Schema s = Fields.schema(Fields.bigint("v"));
        BatchBuilder b = BatchBuilder.of(s);
        for (int i = 0; i < n; i++) {
            b.row((i * 7919L) % n);
        }
        List<List<Object>> expected = new ArrayList<>();
        for (long i = n - 1; i >= 0; i--) {
            expected.add(row(i));
        }
        OperatorHarness.Result result = OperatorHarness.of(SortOperator.factory(SortKey.desc(0)), allocator)
                .input(0, b.buildChunks(allocator, 10_000))
                .modes(Mode.AS_GIVEN, Mode.LARGE)
                .expectRows(expected)
                .run();
        assertThat(result.batchCount()).isEqualTo(3);
    }

    @Test
    void emptyInputEmitsNothing() {
        OperatorHarness.of(SortOperator.factory(SortKey.asc(0)), allocator)
                .emptyInput(0, SCHEMA)
                .expectNoRows()
                .run();
    }

    @Test
    void unsortableKeyTypeIsAUserError() {
        Schema s = Fields.schema(Fields.of("iv", new ArrowType.Interval(IntervalUnit.DAY_TIME)));
        OperatorHarness.of(SortOperator.factory(SortKey.asc(0)), allocator)
                .input(0, BatchBuilder.of(s).row((Object) null))
                .failsWith(ErrorCode.USER_ERROR, "cannot be a sort");
    }
}
