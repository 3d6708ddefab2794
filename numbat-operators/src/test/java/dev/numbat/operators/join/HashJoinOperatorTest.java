package dev.numbat.operators.join;

import static dev.numbat.operators.testing.OperatorHarness.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.operators.testing.BatchBuilder;
import dev.numbat.operators.testing.Fields;
import dev.numbat.operators.testing.OperatorHarness;
import dev.numbat.operators.testing.OperatorHarness.Mode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.BiPredicate;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HashJoinOperatorTest {
    private static final Schema PROBE = Fields.schema(Fields.bigint("k"), Fields.varchar("s"), Fields.bigint("v"));
    private static final Schema BUILD = Fields.schema(Fields.bigint("k"), Fields.varchar("s"), Fields.bigint("v"));

    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    // ------------------------------------------------------------------ reference

    /** A nested-loop join over plain rows: what every hash join must produce (as a multiset). */
    static List<List<Object>> reference(JoinType type, List<List<Object>> probe, List<List<Object>> build,
                                        int[] probeKeys, int[] buildKeys,
                                        BiPredicate<List<Object>, List<Object>> filter, int probeWidth,
                                        int buildWidth) {
        List<List<Object>> out = new ArrayList<>();
        boolean[] buildMatched = new boolean[build.size()];
        for (List<Object> p : probe) {
            boolean matched = false;
            for (int b = 0; b < build.size(); b++) {
                List<Object> r = build.get(b);
                if (keysEqual(p, r, probeKeys, buildKeys) && (filter == null || filter.test(p, r))) {
                    matched = true;
                    buildMatched[b] = true;
                    if (type != JoinType.SEMI && type != JoinType.ANTI) {
                        out.add(concat(p, r));
                    }
                }
            }
            if (type == JoinType.SEMI && matched || type == JoinType.ANTI && !matched) {
                out.add(new ArrayList<>(p));
            }
            if ((type == JoinType.LEFT || type == JoinType.FULL) && !matched) {
                out.add(concat(p, nulls(buildWidth)));
            }
        }
        if (type == JoinType.RIGHT || type == JoinType.FULL) {
            for (int b = 0; b < build.size(); b++) {
                if (!buildMatched[b]) {
                    out.add(concat(nulls(probeWidth), build.get(b)));
                }
            }
        }
        return out;
    }

    private static boolean keysEqual(List<Object> p, List<Object> b, int[] probeKeys, int[] buildKeys) {
        for (int k = 0; k < probeKeys.length; k++) {
            Object x = p.get(probeKeys[k]);
            Object y = b.get(buildKeys[k]);
            if (x == null || y == null) {
                return false;
            }
            if (x instanceof BigDecimal dx && y instanceof BigDecimal dy) {
                if (dx.compareTo(dy) != 0) {
                    return false;
                }
            } else if (x instanceof Double dx && y instanceof Double dy) {
                if (!(dx.doubleValue() == dy.doubleValue() || dx.isNaN() && dy.isNaN())) {
                    return false;
                }
            } else if (x instanceof Number nx && y instanceof Number ny) {
                if (nx.longValue() != ny.longValue()) {
                    return false;
                }
            } else if (!x.equals(y)) {
                return false;
            }
        }
        return true;
    }

    private static List<Object> concat(List<Object> a, List<Object> b) {
        List<Object> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }

    private static List<Object> nulls(int n) {
        return Arrays.asList(new Object[n]);
    }

    /** {@code probe.v < build.v} over candidate pairs of two 3-column sides (columns 2 and 5). */
    static final class ProbeValueLess implements JoinFilter {
        @Override
        public boolean[] test(VectorSchemaRoot candidates) {
            BigIntVector a = (BigIntVector) candidates.getVector(2);
            BigIntVector b = (BigIntVector) candidates.getVector(5);
            boolean[] keep = new boolean[candidates.getRowCount()];
            for (int i = 0; i < keep.length; i++) {
                keep[i] = !a.isNull(i) && !b.isNull(i) && a.get(i) < b.get(i);
            }
            return keep;
        }
    }

    private static final BiPredicate<List<Object>, List<Object>> PROBE_VALUE_LESS = (p, b) ->
            p.get(2) != null && b.get(2) != null && (Long) p.get(2) < (Long) b.get(2);

    private static BatchBuilder probeRows() {
        return BatchBuilder.of(PROBE)
                .row(1L, "p1", 10L)
                .row(1L, "p1b", 30L)
                .row(2L, "p2", 20L)
                .row(3L, "p3", 30L)
                .row(null, "pnull", 5L)
                .row(5L, "p5", null)
                .row(null, "pnull2", 7L);
    }

    private static BatchBuilder buildRows() {
        return BatchBuilder.of(BUILD)
                .row(1L, "b1", 15L)
                .row(1L, "b1b", 5L)
                .row(1L, "b1c", 40L)
                .row(2L, "b2", 10L)
                .row(4L, "b4", 1L)
                .row(null, "bnull", 100L)
                .row(4L, "b4b", 2L)
                .row(null, "bnull2", 100L);
    }

    private OperatorHarness harness(HashJoinOperator.Factory factory, BatchBuilder probe, BatchBuilder build) {
        // Two batches per side, to cross batch boundaries in AS_GIVEN mode too.
        return OperatorHarness.of(factory, allocator)
                .input(0, firstHalf(probe), secondHalf(probe))
                .input(1, firstHalf(build), secondHalf(build));
    }

    private static BatchBuilder firstHalf(BatchBuilder b) {
        List<List<Object>> rows = b.rowsAsLists();
        return BatchBuilder.of(b.schema()).rows(rows.subList(0, rows.size() / 2));
    }

    private static BatchBuilder secondHalf(BatchBuilder b) {
        List<List<Object>> rows = b.rowsAsLists();
        return BatchBuilder.of(b.schema()).rows(rows.subList(rows.size() / 2, rows.size()));
    }

    // ------------------------------------------------------------------ tests

    @ParameterizedTest
    @EnumSource(JoinType.class)
    void everyJoinTypeWithNullKeysAndDuplicatesOnBothSides(JoinType type) {
        int[] keys = {0};
        List<List<Object>> expected = reference(type, probeRows().rowsAsLists(), buildRows().rowsAsLists(), keys,
                keys, null, 3, 3);
        // Build side delivered whole first, as the runtime does ...
        harness(HashJoinOperator.factory(type, keys, keys), probeRows(), buildRows())
                .inputOrder(1, 0)
                .expectRowsUnordered(expected)
                .run();
        // ... and probe first (held until the build side is finished), with tiny output batches.
        harness(HashJoinOperator.factory(type, keys, keys).withOutputBatchRows(2), probeRows(), buildRows())
                .expectRowsUnordered(expected)
                .run();
        // ... and interleaved, as for an edge not marked "needs whole input first".
        harness(HashJoinOperator.factory(type, keys, keys), probeRows(), buildRows())
                .interleaveInputs()
                .expectRowsUnordered(expected)
                .run();
    }

    @Test
    void innerJoinSpotCheck() {
        harness(HashJoinOperator.factory(JoinType.INNER, new int[] {0}, new int[] {0}), probeRows(), buildRows())
                .inputOrder(1, 0)
                .expectRowsUnordered(List.of(
                        row(1L, "p1", 10L, 1L, "b1", 15L),
                        row(1L, "p1", 10L, 1L, "b1b", 5L),
                        row(1L, "p1", 10L, 1L, "b1c", 40L),
                        row(1L, "p1b", 30L, 1L, "b1", 15L),
                        row(1L, "p1b", 30L, 1L, "b1b", 5L),
                        row(1L, "p1b", 30L, 1L, "b1c", 40L),
                        row(2L, "p2", 20L, 2L, "b2", 10L)))
                .run();
    }

    @ParameterizedTest
    @EnumSource(JoinType.class)
    void residualCondition(JoinType type) {
        int[] keys = {0};
        List<List<Object>> expected = reference(type, probeRows().rowsAsLists(), buildRows().rowsAsLists(), keys,
                keys, PROBE_VALUE_LESS, 3, 3);
        harness(HashJoinOperator.factory(type, keys, keys).withFilter(new ProbeValueLess()), probeRows(),
                buildRows())
                .inputOrder(1, 0)
                .expectRowsUnordered(expected)
                .run();
        harness(HashJoinOperator.factory(type, keys, keys).withFilter(new ProbeValueLess()).withOutputBatchRows(3),
                probeRows(), buildRows())
                .inputOrder(1, 0)
                .expectRowsUnordered(expected)
                .run();
    }

    @ParameterizedTest
    @EnumSource(JoinType.class)
    void noKeysIsANestedLoopJoin(JoinType type) {
        int[] none = {};
        List<List<Object>> expected = reference(type, probeRows().rowsAsLists(), buildRows().rowsAsLists(), none,
                none, PROBE_VALUE_LESS, 3, 3);
        harness(HashJoinOperator.factory(type, none, none).withFilter(new ProbeValueLess()).withOutputBatchRows(4),
                probeRows(), buildRows())
                .inputOrder(1, 0)
                .expectRowsUnordered(expected)
                .run();
    }

    @ParameterizedTest
    @EnumSource(JoinType.class)
    void emptyBuildSide(JoinType type) {
        int[] keys = {0};
        List<List<Object>> expected = reference(type, probeRows().rowsAsLists(), List.of(), keys, keys, null, 3, 3);
        OperatorHarness.of(HashJoinOperator.factory(type, keys, keys).withInputSchemas(PROBE, BUILD), allocator)
                .input(0, probeRows())
                .emptyInput(1, BUILD)
                .inputOrder(1, 0)
                .expectSchema(HashJoinOperator.joinSchema(type, PROBE, BUILD))
                .expectRowsUnordered(expected)
                .run();
        // An empty batch is not "no batches": the schema comes with it.
        OperatorHarness.of(HashJoinOperator.factory(type, keys, keys), allocator)
                .input(0, probeRows())
                .input(1, BatchBuilder.of(BUILD))
                .inputOrder(1, 0)
                .modes(Mode.AS_GIVEN)
                .expectRowsUnordered(expected)
                .run();
    }

    @ParameterizedTest
    @EnumSource(JoinType.class)
    void emptyProbeSide(JoinType type) {
        int[] keys = {0};
        List<List<Object>> expected = reference(type, List.of(), buildRows().rowsAsLists(), keys, keys, null, 3, 3);
        OperatorHarness.of(HashJoinOperator.factory(type, keys, keys).withInputSchemas(PROBE, BUILD), allocator)
                .emptyInput(0, PROBE)
                .input(1, buildRows())
                .inputOrder(1, 0)
                .expectRowsUnordered(expected)
                .run();
    }

    @Test
    void paddingWithoutAKnownSchemaIsAClearError() {
        int[] keys = {0};
        NumbatException e = OperatorHarness.of(HashJoinOperator.factory(JoinType.RIGHT, keys, keys), allocator)
                .emptyInput(0, PROBE)
                .input(1, buildRows())
                .inputOrder(1, 0)
                .failsWith(ErrorCode.USER_ERROR, "withInputSchemas");
        assertThat(e.getMessage()).contains("probe");
    }

    @ParameterizedTest
    @EnumSource(JoinType.class)
    void randomManyToManyWithSeveralKeyTypes(JoinType type) {
        // Keys: VARCHAR (long values sharing prefixes), DECIMAL(12,2), and INT on the probe side against BIGINT
        // on the build side (they hash and compare alike); also a DATE and a DOUBLE payload.
        Schema probeSchema = Fields.schema(Fields.varchar("name"), Fields.decimal("amount", 12, 2),
                Fields.integer("n"), Fields.date("day"));
        Schema buildSchema = Fields.schema(Fields.bigint("n"), Fields.float64("x"), Fields.varchar("name"),
                Fields.decimal("amount", 12, 2));
        String[] names = {"", "a", "alpha", "alphabet-soup-1", "alphabet-soup-2", "é", "日本"};
        BigDecimal[] amounts = {new BigDecimal("0.00"), new BigDecimal("-1.50"), new BigDecimal("12345678.99")};
        Random random = new Random(42);
        BatchBuilder probe = BatchBuilder.of(probeSchema);
        for (int i = 0; i < 400; i++) {
            probe.row(pick(random, names), pick(random, amounts), random.nextInt(10) == 0 ? null : random.nextInt(3),
                    LocalDate.of(2024, 1, 1).plusDays(i));
        }
        BatchBuilder build = BatchBuilder.of(buildSchema);
        for (int i = 0; i < 300; i++) {
            build.row(random.nextInt(10) == 0 ? null : (long) random.nextInt(3), i * 0.5, pick(random, names),
                    pick(random, amounts));
        }
        int[] probeKeys = {0, 1, 2};
        int[] buildKeys = {2, 3, 0};
        List<List<Object>> expected = reference(type, probe.rowsAsLists(), build.rowsAsLists(), probeKeys,
                buildKeys, null, 4, 4);
        assertThat(expected).hasSizeGreaterThan(100);
        harness(HashJoinOperator.factory(type, probeKeys, buildKeys).withOutputBatchRows(37), probe, build)
                .inputOrder(1, 0)
                .expectRowsUnordered(expected)
                .run();
    }

    private static <T> T pick(Random random, T[] values) {
        return random.nextInt(12) == 0 ? null : values[random.nextInt(values.length)];
    }

    @Test
    void doubleKeysTreatNegativeZeroAndNaNAsSqlEngineHashesDo() {
        Schema s = Fields.schema(Fields.float64("x"));
        BatchBuilder probe = BatchBuilder.of(s).row(0.0).row(Double.NaN).row(1.5).row((Object) null);
        BatchBuilder build = BatchBuilder.of(s).row(-0.0).row(Double.NaN).row(2.5).row((Object) null);
        OperatorHarness.of(HashJoinOperator.factory(JoinType.INNER, new int[] {0}, new int[] {0}), allocator)
                .input(0, probe)
                .input(1, build)
                .inputOrder(1, 0)
                .expectRowsUnordered(List.of(row(0.0, -0.0), row(Double.NaN, Double.NaN)))
                .run();
    }

    @Test
    void booleanAndDateKeys() {
        Schema s = Fields.schema(Fields.bool("b"), Fields.date("d"));
        LocalDate day = LocalDate.of(2020, 2, 29);
        BatchBuilder probe = BatchBuilder.of(s).row(true, day).row(false, day).row(true, day.plusDays(1));
        BatchBuilder build = BatchBuilder.of(s).row(true, day).row(true, day.plusDays(1)).row(null, day);
        OperatorHarness.of(HashJoinOperator.factory(JoinType.SEMI, new int[] {0, 1}, new int[] {0, 1}), allocator)
                .input(0, probe)
                .input(1, build)
                .inputOrder(1, 0)
                .expectRowsUnordered(List.of(row(true, day), row(true, day.plusDays(1))))
                .run();
    }

    @Test
    void outerJoinsMakeThePaddedSideNullableAndKeepDuplicateNames() {
        Schema probe = Fields.schema(Fields.notNull("id", new ArrowType.Int(64, true)));
        Schema build = Fields.schema(Fields.notNull("id", new ArrowType.Int(64, true)), Fields.varchar("name"));
        Schema expected = Fields.schema(Fields.notNull("id", new ArrowType.Int(64, true)), Fields.bigint("id"),
                Fields.varchar("name"));
        OperatorHarness.of(HashJoinOperator.factory(JoinType.LEFT, new int[] {0}, new int[] {0}), allocator)
                .input(0, BatchBuilder.of(probe).row(1L).row(2L))
                .input(1, BatchBuilder.of(build).row(1L, "one"))
                .inputOrder(1, 0)
                .expectSchema(expected)
                .expectRowsUnordered(List.of(row(1L, 1L, "one"), row(2L, null, null)))
                .run();
        Schema full = HashJoinOperator.joinSchema(JoinType.FULL, probe, build);
        assertThat(full.getFields()).allMatch(Field::isNullable);
        assertThat(HashJoinOperator.joinSchema(JoinType.ANTI, probe, build)).isEqualTo(probe);
    }

    @Test
    void incomparableKeyTypesAreAUserError() {
        Schema probe = Fields.schema(Fields.varchar("k"));
        HashJoinOperator.Factory factory = HashJoinOperator.factory(JoinType.INNER, new int[] {0}, new int[] {0});
        assertThatThrownBy(() -> factory.outputSchema(List.of(probe, BUILD)))
                .isInstanceOf(NumbatException.class)
                .hasMessageContaining("cast");
        OperatorHarness.of(factory, allocator)
                .input(0, BatchBuilder.of(probe).row("1"))
                .input(1, BatchBuilder.of(BUILD).row(1L, "x", 1L))
                .inputOrder(1, 0)
                .failsWith(ErrorCode.USER_ERROR, "cast them to one type");
        Schema decimals = Fields.schema(Fields.decimal("k", 10, 2));
        Schema otherScale = Fields.schema(Fields.decimal("k", 10, 3));
        assertThatThrownBy(() -> factory.outputSchema(List.of(decimals, otherScale)))
                .isInstanceOf(NumbatException.class);
    }

    @Test
    void largeBuildSideGrowsTheTableAndManyMatchesSpanSeveralOutputBatches() {
        int buildRows = 100_000;
        BatchBuilder build = BatchBuilder.of(BUILD);
        for (int i = 0; i < buildRows; i++) {
            // Key 7 appears 70 000 times; the rest are unique.
            long key = i < 70_000 ? 7 : i;
            build.row(key, null, (long) i);
        }
        BatchBuilder probe = BatchBuilder.of(PROBE).row(7L, "hot", 0L);
        for (long k = 70_000; k < 70_010; k++) {
            probe.row(k, "cold", k);
        }
        probe.row(-1L, "none", 0L);
        List<List<Object>> expected = new ArrayList<>();
        for (int i = 0; i < 70_000; i++) {
            expected.add(row(7L, "hot", 0L, 7L, null, (long) i));
        }
        for (long k = 70_000; k < 70_010; k++) {
            expected.add(row(k, "cold", k, k, null, k));
        }
        OperatorHarness.Result result = OperatorHarness.of(
                        HashJoinOperator.factory(JoinType.INNER, new int[] {0}, new int[] {0}), allocator)
                .input(0, probe)
                .input(1, build.buildChunks(allocator, 8192))
                .inputOrder(1, 0)
                .modes(Mode.AS_GIVEN, Mode.LARGE)
                .expectRowsUnordered(expected)
                .run();
        // 70 010 rows at most 65 536 per batch.
        assertThat(result.batchCount()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void hashTableGrowsAndKeepsEveryRow() {
        int rows = 100_000;
        BatchBuilder build = BatchBuilder.of(BUILD);
        for (int i = 0; i < rows; i++) {
            build.row(i % 2 == 0 ? (long) i : null, "s" + i, (long) i);
        }
        try (JoinHashTable table = new JoinHashTable(new int[] {0});
             VectorSchemaRoot probe = BatchBuilder.of(PROBE).row(0L, "x", 0L).row(99_998L, "y", 0L)
                     .row(1L, "null key on build side", 0L).build(allocator)) {
            for (VectorSchemaRoot b : build.buildChunks(allocator, 10_000)) {
                table.add(b);
            }
            assertThat(table.size()).isEqualTo(rows);
            assertThat(table.bucketCount()).isGreaterThanOrEqualTo(2 * (rows / 2));
            table.bindProbe(probe, new int[] {0});
            assertThat(matches(table, 0)).containsExactly(0);
            assertThat(matches(table, 1)).containsExactly(99_998);
            assertThat(matches(table, 2)).isEmpty();
        }
    }

    private static List<Integer> matches(JoinHashTable table, int probeRow) {
        List<Integer> out = new ArrayList<>();
        long h = table.probeHash(probeRow);
        for (int id = table.first(h); id != JoinHashTable.END; id = table.next(id)) {
            if (table.hash(id) == h && table.keysEqual(probeRow, id)) {
                out.add(id);
            }
        }
        return out;
    }

    @Test
    void factoryIsSerializableWithItsFilterAndSchemas() throws Exception {
        HashJoinOperator.Factory factory = HashJoinOperator.factory(JoinType.FULL, new int[] {0}, new int[] {0})
                .withFilter(new ProbeValueLess())
                .withInputSchemas(PROBE, BUILD)
                .withOutputBatchRows(5);
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(factory);
        }
        HashJoinOperator.Factory copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (HashJoinOperator.Factory) in.readObject();
        }
        int[] keys = {0};
        OperatorHarness.of(copy, allocator)
                .input(0, probeRows())
                .input(1, buildRows())
                .inputOrder(1, 0)
                .expectRowsUnordered(reference(JoinType.FULL, probeRows().rowsAsLists(), buildRows().rowsAsLists(),
                        keys, keys, PROBE_VALUE_LESS, 3, 3))
                .run();
    }

    /**
     * The JVM running out of direct memory is an {@link OutOfMemoryError} (an Error, not Arrow's
     * OutOfMemoryException): whichever allocation it hits, the vectors allocated so far are released.
     */
    @ParameterizedTest
    @EnumSource(value = JoinType.class, names = {"INNER", "FULL", "SEMI"})
    void anErrorInAnyAllocationLeaksNothing(JoinType type) {
        int[] keys = {0};
        int failures = 0;
        for (int failAt = 1; failAt < 200; failAt++) {
            FailingListener listener = new FailingListener();
            try (BufferAllocator root = new RootAllocator(listener, Long.MAX_VALUE)) {
                List<List<VectorSchemaRoot>> inputs = List.of(List.of(probeRows().build(root)),
                        List.of(buildRows().build(root)));
                listener.failAt = failAt;
                try {
                    OperatorHarness.collect(HashJoinOperator.factory(type, keys, keys)
                            .withInputSchemas(PROBE, BUILD).withOutputBatchRows(2), root, inputs)
                            .forEach(VectorSchemaRoot::close);
                } catch (OutOfMemoryError expected) {
                    failures++;
                }
            }
        }
        assertThat(failures).as("allocations that failed").isPositive();
    }

    /** Throws an OutOfMemoryError on the {@code failAt}-th allocation (counting from when it is set). */
    private static final class FailingListener implements AllocationListener {
        int failAt;
        private int seen;

        @Override
        public void onPreAllocation(long size) {
            if (failAt > 0 && ++seen == failAt) {
                throw new OutOfMemoryError("Cannot reserve " + size + " bytes of direct buffer memory (test)");
            }
        }
    }
}
