package dev.numbat.operators.aggregate;

import static dev.numbat.operators.aggregate.AggregateFunction.AVG;
import static dev.numbat.operators.aggregate.AggregateFunction.COUNT;
import static dev.numbat.operators.aggregate.AggregateFunction.COUNT_DISTINCT;
import static dev.numbat.operators.aggregate.AggregateFunction.MAX;
import static dev.numbat.operators.aggregate.AggregateFunction.MIN;
import static dev.numbat.operators.aggregate.AggregateFunction.STDDEV_POP;
import static dev.numbat.operators.aggregate.AggregateFunction.STDDEV_SAMP;
import static dev.numbat.operators.aggregate.AggregateFunction.SUM;
import static dev.numbat.operators.aggregate.AggregateFunction.VAR_POP;
import static dev.numbat.operators.aggregate.AggregateFunction.VAR_SAMP;
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
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HashAggregateOperatorTest {
    private static final Schema SALES = Fields.schema(Fields.varchar("region"), Fields.bigint("qty"),
            Fields.float64("price"), Fields.decimal("amount", 12, 2), Fields.date("day"), Fields.integer("units"),
            Fields.bool("flag"), Fields.timestamp("ts"));

    private static final LocalDateTime T1 = LocalDateTime.of(2024, 1, 1, 8, 30);
    private static final LocalDateTime T2 = LocalDateTime.of(2024, 1, 2, 9, 0, 0, 123_000);

    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    private static BatchBuilder sales() {
        return BatchBuilder.of(SALES)
                .row("a", 1L, 1.0, new BigDecimal("1.50"), LocalDate.of(2024, 1, 1), 10, true, T1)
                .row("a", 3L, null, new BigDecimal("2.25"), LocalDate.of(2024, 1, 3), null, false, T2)
                .row("b", null, 2.5, null, null, 7, null, null)
                .row(null, 5L, 4.0, new BigDecimal("-1.00"), LocalDate.of(2023, 12, 31), 1, true, T1)
                .row("a", 3L, 3.0, null, LocalDate.of(2024, 1, 2), 20, null, T1);
    }

    private static AggregateCall call(AggregateFunction f, int arg, String name) {
        return AggregateCall.of(f, arg, name);
    }

    private OperatorHarness harness(AggregateMode mode, Schema input, List<Integer> keys, List<AggregateCall> calls) {
        return OperatorHarness.of(new HashAggregateOperator.Factory(mode, input, keys, calls), allocator);
    }

    @Test
    void countSumMinMaxAvgByStringKey() {
        List<AggregateCall> calls = List.of(AggregateCall.countStar("n"), call(COUNT, 1, "n_qty"),
                call(SUM, 1, "sum_qty"), call(MIN, 1, "min_qty"), call(MAX, 1, "max_qty"), call(AVG, 1, "avg_qty"),
                call(SUM, 2, "sum_price"), call(AVG, 2, "avg_price"), call(SUM, 3, "sum_amount"),
                call(AVG, 3, "avg_amount"), call(MIN, 4, "min_day"), call(MAX, 4, "max_day"),
                call(SUM, 5, "sum_units"), call(MIN, 5, "min_units"), call(MIN, 6, "min_flag"),
                call(MAX, 6, "max_flag"), call(MAX, 7, "max_ts"), call(MIN, 0, "min_region"));
        harness(AggregateMode.SINGLE, SALES, List.of(0), calls)
                .input(0, sales())
                .expectRowsUnordered(List.of(
                        row("a", 3L, 3L, 7L, 1L, 3L, 7.0 / 3, 4.0, 2.0, new BigDecimal("3.75"), 1.875,
                                LocalDate.of(2024, 1, 1), LocalDate.of(2024, 1, 3), 30L, 10, false, true, T2, "a"),
                        row("b", 1L, 0L, null, null, null, null, 2.5, 2.5, null, null, null, null, 7L, 7, null, null,
                                null, "b"),
                        row(null, 1L, 1L, 5L, 5L, 5L, 5.0, 4.0, 4.0, new BigDecimal("-1.00"), -1.0,
                                LocalDate.of(2023, 12, 31), LocalDate.of(2023, 12, 31), 1L, 1, true, true, T1, null)))
                .run();
    }

    @Test
    void resultTypes() {
        List<AggregateCall> calls = List.of(AggregateCall.countStar("n"), call(SUM, 5, "s_int"),
                call(SUM, 2, "s_dbl"), call(SUM, 3, "s_dec"), call(AVG, 3, "a_dec"), call(MIN, 3, "min_dec"),
                call(MAX, 4, "max_day"), call(VAR_SAMP, 1, "v"), call(COUNT_DISTINCT, 0, "d"));
        Schema expected = Fields.schema(Fields.varchar("region"),
                new Field("n", FieldType.notNullable(new ArrowType.Int(64, true)), null),
                Fields.bigint("s_int"), Fields.float64("s_dbl"), Fields.decimal("s_dec", 38, 2),
                Fields.float64("a_dec"), Fields.decimal("min_dec", 12, 2), Fields.date("max_day"),
                Fields.float64("v"), new Field("d", FieldType.notNullable(new ArrowType.Int(64, true)), null));
        harness(AggregateMode.SINGLE, SALES, List.of(0), calls)
                .input(0, sales())
                .expectSchema(expected)
                .run();
    }

    @Test
    void varianceFamily() {
        List<AggregateCall> calls = List.of(call(VAR_SAMP, 1, "vs"), call(VAR_POP, 1, "vp"),
                call(STDDEV_SAMP, 1, "ss"), call(STDDEV_POP, 1, "sp"), call(VAR_POP, 3, "vp_amount"));
        // a: qty 1, 3, 3 -> mean 7/3, M2 = 8/3; amount 1.50, 2.25 -> var_pop 0.140625
        harness(AggregateMode.SINGLE, SALES, List.of(0), calls)
                .input(0, sales())
                .expectRowsUnordered(List.of(
                        row("a", 4.0 / 3, 8.0 / 9, Math.sqrt(4.0 / 3), Math.sqrt(8.0 / 9), 0.140625),
                        row("b", null, null, null, null, null),
                        row(null, null, 0.0, null, 0.0, 0.0)))
                .run();
    }

    @Test
    void countDistinctSkipsNullsAndCountsEachValueOnce() {
        Schema schema = Fields.schema(Fields.integer("k"), Fields.varchar("s"), Fields.decimal("d", 5, 1),
                Fields.float64("x"));
        harness(AggregateMode.SINGLE, schema, List.of(0), List.of(call(COUNT_DISTINCT, 1, "ds"),
                call(COUNT_DISTINCT, 2, "dd"), call(COUNT_DISTINCT, 3, "dx")))
                .input(0, BatchBuilder.of(schema).row(1, "x", new BigDecimal("1.0"), 0.0).row(1, "y", null, -0.0)
                        .row(1, "x", new BigDecimal("1.0"), Double.NaN).row(2, null, null, null))
                .input(0, BatchBuilder.of(schema).row(1, "", new BigDecimal("2.0"), Double.NaN)
                        .row(2, "a string longer than sixteen bytes", new BigDecimal("-3.5"), 1.0))
                .expectRowsUnordered(List.of(row(1, 3L, 2L, 2L), row(2, 1L, 1L, 1L)))
                .run();
    }

    @Test
    void nullKeysFormOneGroupAcrossMultiColumnKeys() {
        Schema schema = Fields.schema(Fields.varchar("s"), Fields.decimal("d", 10, 2), Fields.date("day"),
                Fields.bool("b"), Fields.timestamp("ts"), Fields.smallint("small"), Fields.tinyint("tiny"),
                Fields.bigint("v"));
        BigDecimal d1 = new BigDecimal("12.34");
        LocalDate day = LocalDate.of(2020, 2, 29);
        harness(AggregateMode.SINGLE, schema, List.of(0, 1, 2, 3, 4, 5, 6),
                List.of(AggregateCall.countStar("n"), call(SUM, 7, "sum_v"), call(MAX, 5, "max_small")))
                .input(0, BatchBuilder.of(schema)
                        .row("x", d1, day, true, T1, 1, 2, 10L)
                        .row(null, null, null, null, null, null, null, 1L)
                        .row("x", d1, day, true, T1, 1, 2, 5L)
                        .row("x", d1, day, false, T1, 1, 2, 7L))
                .input(0, BatchBuilder.of(schema)
                        .row(null, null, null, null, null, null, null, null)
                        .row("x", null, day, true, T1, 1, 2, 3L)
                        .row("y", d1, day, true, T1, 1, 2, 4L))
                .expectRowsUnordered(List.of(
                        row("x", d1, day, true, T1, (short) 1, (byte) 2, 2L, 15L, (short) 1),
                        row("x", d1, day, false, T1, (short) 1, (byte) 2, 1L, 7L, (short) 1),
                        row(null, null, null, null, null, null, null, 2L, 1L, null),
                        row("x", null, day, true, T1, (short) 1, (byte) 2, 1L, 3L, (short) 1),
                        row("y", d1, day, true, T1, (short) 1, (byte) 2, 1L, 4L, (short) 1)))
                .run();
    }

    @Test
    void floatingPointKeysGroupNegativeZeroAndNaN() {
        Schema schema = Fields.schema(Fields.float64("x"), Fields.float32("f"));
        harness(AggregateMode.SINGLE, schema, List.of(0, 1), List.of(AggregateCall.countStar("n")))
                .input(0, BatchBuilder.of(schema).row(0.0, 1.5f).row(-0.0, 1.5f).row(Double.NaN, null)
                        .row(Double.longBitsToDouble(0x7ff8000000000001L), null).row(2.0, -0.0f).row(2.0, 0.0f))
                .expectRowsUnordered(List.of(row(0.0, 1.5f, 2L), row(Double.NaN, null, 2L), row(2.0, 0.0f, 2L)))
                .run();
    }

    @Test
    void decimalSumsAndAveragesAreExact() {
        Schema schema = Fields.schema(Fields.decimal("d", 12, 2), Fields.bigint("big"));
        harness(AggregateMode.SINGLE, schema, List.of(), List.of(call(SUM, 0, "s"), call(AVG, 0, "a"),
                call(AVG, 1, "avg_big"), call(SUM, 1, "sum_big")))
                .input(0, BatchBuilder.of(schema).row(new BigDecimal("0.10"), Long.MAX_VALUE)
                        .row(new BigDecimal("0.20"), Long.MAX_VALUE - 1).row(null, -Long.MAX_VALUE))
                .doubleTolerance(0)
                // avg of BIGINTs overflows 64 bits on the way but is exact; the sum comes back into range.
                .expectRows(List.of(row(new BigDecimal("0.30"), 0.15,
                        new BigDecimal(Long.MAX_VALUE).add(new BigDecimal(Long.MAX_VALUE - 1))
                                .subtract(new BigDecimal(Long.MAX_VALUE)).divide(BigDecimal.valueOf(3),
                                        java.math.MathContext.DECIMAL128).doubleValue(),
                        Long.MAX_VALUE - 1)))
                .run();
    }

    @Test
    void shortAndLongStringKeysMatchAcrossBatches() {
        // Keys of up to 7 bytes are packed into a long; batches with only short keys compare by that code, others
        // by bytes, so the same key must land in the same group whichever kind of batch it arrives in.
        Schema schema = Fields.schema(Fields.varchar("k"), Fields.bigint("v"));
        List<VectorSchemaRoot> batches = List.of(
                BatchBuilder.of(schema).row("abcdefg", 1L).row("abcdefgh", 2L).row(null, 3L).row("", 4L)
                        .row("ab", 5L).build(allocator),
                BatchBuilder.of(schema).row("abcdefg", 10L).row(null, 20L).row("", 30L).row("x", 40L)
                        .row("ab\u0000", 50L).build(allocator),
                BatchBuilder.of(schema).row("abcdefgh", 100L).row("x", 200L).row("ab", 300L).row(null, 400L)
                        .build(allocator));
        harness(AggregateMode.SINGLE, schema, List.of(0), List.of(call(SUM, 1, "s"), call(COUNT, 1, "n")))
                .input(0, batches)
                .expectRowsUnordered(List.of(row("abcdefg", 11L, 2L), row("abcdefgh", 102L, 2L),
                        row(null, 423L, 3L), row("", 34L, 2L), row("ab", 305L, 2L), row("x", 240L, 2L),
                        row("ab\u0000", 50L, 1L)))
                .run();
    }

    @Test
    void sumsThatLeaveSixtyFourBitsStayExact() {
        // The 64-bit running sum spills into the 128-bit one on overflow, in both directions.
        Schema schema = Fields.schema(Fields.varchar("k"), Fields.decimal("d", 38, 0), Fields.bigint("b"));
        BigDecimal max = BigDecimal.valueOf(Long.MAX_VALUE);
        BigDecimal wide = new BigDecimal("123456789012345678901234567");
        BatchBuilder rows = BatchBuilder.of(schema);
        BigDecimal up = BigDecimal.ZERO;
        BigDecimal down = BigDecimal.ZERO;
        for (int i = 0; i < 7; i++) {
            long b = i < 3 ? Long.MAX_VALUE : i < 6 ? -Long.MAX_VALUE : 5; // overflows on the way, not at the end
            rows.row("up", max, b);
            rows.row("down", max.negate(), -b);
            up = up.add(max);
            down = down.subtract(max);
        }
        rows.row("up", wide, 1L).row("down", wide.negate(), -1L).row("up", BigDecimal.ONE, 0L);
        up = up.add(wide).add(BigDecimal.ONE);
        down = down.subtract(wide);
        long upBig = 6;
        harness(AggregateMode.SINGLE, schema, List.of(0), List.of(call(SUM, 1, "s"), call(SUM, 2, "sb"),
                call(AVG, 1, "a")))
                .input(0, rows.buildChunks(allocator, 3))
                .doubleTolerance(1e-15)
                .expectRowsUnordered(List.of(
                        row("up", up, upBig, up.divide(BigDecimal.valueOf(9), java.math.MathContext.DECIMAL128)
                                .doubleValue()),
                        row("down", down, -upBig, down.divide(BigDecimal.valueOf(8),
                                java.math.MathContext.DECIMAL128).doubleValue())))
                .run();
    }

    @Test
    void bigintOverflowInSumIsAUserError() {
        Schema schema = Fields.schema(Fields.bigint("qty"));
        NumbatException e = harness(AggregateMode.SINGLE, schema, List.of(), List.of(call(SUM, 0, "s")))
                .input(0, BatchBuilder.of(schema).row(Long.MAX_VALUE).row(2L))
                .failsWith(ErrorCode.USER_ERROR, "BIGINT overflow in sum(qty)");
        assertThat(e.code()).isEqualTo(ErrorCode.USER_ERROR);
    }

    @Test
    void decimalOverflowInSumIsAUserError() {
        Schema schema = Fields.schema(Fields.decimal("d", 38, 0));
        BigDecimal big = new BigDecimal("9" + "0".repeat(37)); // 9e37
        harness(AggregateMode.SINGLE, schema, List.of(), List.of(call(SUM, 0, "s")))
                .input(0, BatchBuilder.of(schema).row(big).row(big))
                .failsWith(ErrorCode.USER_ERROR, "DECIMAL overflow in sum(d)");
        BigDecimal huge = new BigDecimal("9".repeat(38));
        harness(AggregateMode.SINGLE, schema, List.of(), List.of(call(SUM, 0, "s")))
                .input(0, BatchBuilder.of(schema).row(huge).row(huge).row(huge.negate()))
                .failsWith(ErrorCode.USER_ERROR, "DECIMAL overflow in sum(d)");
    }

    @Test
    void globalAggregateOverNoRowsEmitsOneRow() {
        List<AggregateCall> calls = List.of(AggregateCall.countStar("n"), call(COUNT, 1, "c"), call(SUM, 1, "s"),
                call(MIN, 0, "m"), call(AVG, 3, "a"), call(VAR_SAMP, 2, "v"), call(COUNT_DISTINCT, 0, "d"));
        List<List<Object>> expected = List.of(row(0L, 0L, null, null, null, null, 0L));
        harness(AggregateMode.SINGLE, SALES, List.of(), calls).emptyInput(0, SALES).expectRows(expected).run();
        harness(AggregateMode.SINGLE, SALES, List.of(), calls).input(0, BatchBuilder.of(SALES))
                .expectRows(expected).run();
        // A PARTIAL over nothing emits nothing; the FINAL over nothing still answers.
        HashAggregateOperator.Factory partial = HashAggregateOperator.Factory.partial(SALES, List.of(), calls);
        OperatorHarness.of(partial, allocator).emptyInput(0, SALES).expectNoRows().run();
        OperatorHarness.of(partial.withMode(AggregateMode.FINAL), allocator)
                .emptyInput(0, partial.partialSchema()).expectRows(expected).run();
    }

    @Test
    void groupedAggregateOverNoRowsEmitsNothing() {
        harness(AggregateMode.SINGLE, SALES, List.of(0), List.of(AggregateCall.countStar("n")))
                .input(0, BatchBuilder.of(SALES)).expectNoRows().expectSchema(
                        HashAggregateOperator.Factory.single(SALES, List.of(0), List.of(AggregateCall.countStar("n")))
                                .outputSchema())
                .run();
    }

    @Test
    void manyGroupsGrowTheTableAndSplitTheOutput() {
        Schema schema = Fields.schema(Fields.bigint("k"), Fields.varchar("s"), Fields.bigint("v"));
        int groups = 100_000;
        BatchBuilder all = BatchBuilder.of(schema);
        List<List<Object>> expected = new ArrayList<>();
        for (int i = 0; i < groups; i++) {
            all.row((long) i * 7919, "key-" + i, (long) i);
            expected.add(row((long) i * 7919, "key-" + i, 2L, 2L * i + 1));
        }
        for (int i = groups - 1; i >= 0; i--) {
            all.row((long) i * 7919, "key-" + i, (long) i + 1);
        }
        OperatorHarness.Result r = harness(AggregateMode.SINGLE, schema, List.of(0, 1),
                List.of(AggregateCall.countStar("n"), call(SUM, 2, "s")))
                .input(0, all.buildChunks(allocator, 8192))
                .modes(Mode.AS_GIVEN, Mode.LARGE)
                .expectRowsUnordered(expected)
                .run();
        assertThat(r.batchCount()).isEqualTo(2);
        assertThat(r.metrics().get("aggregate_groups")).isEqualTo(groups);
    }

    @Test
    void partialStatesFromSeveralChannelsMergeToTheSingleAnswer() {
        Schema schema = Fields.schema(Fields.integer("k"), Fields.varchar("s"), Fields.bigint("v"),
                Fields.float64("x"), Fields.decimal("d", 12, 4), Fields.date("day"));
        List<AggregateCall> calls = allCalls(schema);
        List<Integer> keys = List.of(0);
        Random random = new Random(42);
        BatchBuilder all = BatchBuilder.of(schema);
        for (int i = 0; i < 3000; i++) {
            all.row(randomRow(schema, random, 0.1).toArray());
        }
        List<List<Object>> expected = ReferenceAggregate.aggregate(all.rowsAsLists(), keys, calls);

        HashAggregateOperator.Factory single = HashAggregateOperator.Factory.single(schema, keys, calls);
        HashAggregateOperator.Factory partial = single.withMode(AggregateMode.PARTIAL);
        HashAggregateOperator.Factory fin = single.withMode(AggregateMode.FINAL);
        OperatorHarness.of(single, allocator).input(0, all.buildChunks(allocator, 500))
                .expectRowsUnordered(expected).run();

        // Three partial channels see interleaved slices of the rows; their outputs all go to one FINAL.
        OperatorHarness finalStep = OperatorHarness.of(fin, allocator);
        List<List<Object>> rows = all.rowsAsLists();
        for (int p = 0; p < 3; p++) {
            BatchBuilder part = BatchBuilder.of(schema);
            for (int i = p; i < rows.size(); i += 3) {
                part.row(rows.get(i).toArray());
            }
            List<VectorSchemaRoot> partialOut = OperatorHarness.collect(partial, p, 3, allocator,
                    List.of(part.buildChunks(allocator, 700)));
            assertThat(partialOut).allSatisfy(b -> assertThat(b.getSchema()).isEqualTo(partial.partialSchema()));
            finalStep.input(0, partialOut);
        }
        finalStep.expectSchema(single.outputSchema()).expectRowsUnordered(expected).run();
    }

    @Test
    void partialThenFinalWithoutKeys() {
        Schema schema = Fields.schema(Fields.bigint("v"), Fields.varchar("s"));
        List<AggregateCall> calls = allCalls(schema);
        HashAggregateOperator.Factory partial = HashAggregateOperator.Factory.partial(schema, List.of(), calls);
        List<VectorSchemaRoot> a = OperatorHarness.collect(partial, allocator,
                List.of(List.of(BatchBuilder.of(schema).row(1L, "x").row(2L, "y").build(allocator))));
        List<VectorSchemaRoot> b = OperatorHarness.collect(partial, allocator,
                List.of(List.of(BatchBuilder.of(schema).row(3L, "x").row(null, null).build(allocator))));
        List<List<Object>> all = List.of(row(1L, "x"), row(2L, "y"), row(3L, "x"), row(null, null));
        OperatorHarness.of(partial.withMode(AggregateMode.FINAL), allocator).input(0, a).input(0, b)
                .expectRows(ReferenceAggregate.aggregate(all, List.of(), calls)).run();
    }

    @Test
    void randomizedAgainstReference() {
        for (int seed = 1; seed <= 12; seed++) {
            Random random = new Random(seed);
            Schema schema = randomSchema(random);
            int columns = schema.getFields().size();
            List<Integer> keys = new ArrayList<>();
            for (int c = 0; c < columns; c++) {
                if (random.nextInt(3) == 0) {
                    keys.add(c);
                }
            }
            List<AggregateCall> calls = allCalls(schema);
            int n = random.nextInt(600);
            BatchBuilder builder = BatchBuilder.of(schema);
            double nulls = random.nextDouble() * 0.3;
            for (int i = 0; i < n; i++) {
                builder.row(randomRow(schema, random, nulls).toArray());
            }
            List<List<Object>> expected = ReferenceAggregate.aggregate(builder.rowsAsLists(), keys, calls);
            OperatorHarness h = harness(AggregateMode.SINGLE, schema, keys, calls);
            List<VectorSchemaRoot> chunks = builder.buildChunks(allocator, 1 + random.nextInt(200));
            if (chunks.isEmpty()) {
                h.emptyInput(0, schema);
            } else {
                h.input(0, chunks);
            }
            try {
                h.expectRowsUnordered(expected).run();
            } catch (AssertionError e) {
                throw new AssertionError("seed " + seed + ", keys " + keys + ", schema " + schema + ": "
                        + e.getMessage(), e);
            }
        }
    }

    @Test
    void factoryChecksTypesAndRanges() {
        assertThatThrownBy(() -> HashAggregateOperator.Factory.single(SALES, List.of(), List.of(call(SUM, 0, "s"))))
                .isInstanceOf(NumbatException.class).hasMessageContaining("sum is not defined for column 'region'");
        assertThatThrownBy(() -> HashAggregateOperator.Factory.single(SALES, List.of(9), List.of()))
                .isInstanceOf(NumbatException.class).hasMessageContaining("group key column 9");
        assertThatThrownBy(() -> HashAggregateOperator.Factory.single(SALES, List.of(), List.of(call(MIN, 8, "m"))))
                .isInstanceOf(NumbatException.class).hasMessageContaining("argument column 8");
        assertThatThrownBy(() -> AggregateCall.of(COUNT, -1, "c")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void factorySerializes() throws Exception {
        HashAggregateOperator.Factory f = HashAggregateOperator.Factory.partial(SALES, List.of(0, 4),
                allCalls(SALES));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(f);
        }
        HashAggregateOperator.Factory copy;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            copy = (HashAggregateOperator.Factory) in.readObject();
        }
        assertThat(copy.partialSchema()).isEqualTo(f.partialSchema());
        assertThat(copy.outputSchema()).isEqualTo(f.outputSchema());
        assertThat(copy.calls()).isEqualTo(f.calls());
        assertThat(copy.groupKeys()).containsExactly(0, 4);
    }

    @Test
    void inputOfTheWrongShapeIsAUserError() {
        Schema other = Fields.schema(Fields.varchar("region"), Fields.varchar("qty"));
        harness(AggregateMode.SINGLE, Fields.schema(Fields.varchar("region"), Fields.bigint("qty")), List.of(0),
                List.of(call(SUM, 1, "s")))
                .input(0, BatchBuilder.of(other).row("a", "1"))
                .failsWith(ErrorCode.USER_ERROR, "expects input columns");
        HashAggregateOperator.Factory f = HashAggregateOperator.Factory.single(
                Fields.schema(Fields.varchar("region"), Fields.bigint("qty")), List.of(0), List.of(call(SUM, 1, "s")));
        assertThatThrownBy(() -> f.outputSchema(List.of(other))).isInstanceOf(NumbatException.class)
                .hasMessageContaining("expects input columns");
        assertThat(f.outputSchema(List.of(Fields.schema(Fields.varchar("r"), Fields.bigint("q")))))
                .isEqualTo(f.outputSchema());
    }

    // ------------------------------------------------------------------ random data

    /** Every function over every column whose type allows it. */
    private static List<AggregateCall> allCalls(Schema schema) {
        List<AggregateCall> calls = new ArrayList<>();
        calls.add(AggregateCall.countStar("n"));
        List<Field> fields = schema.getFields();
        for (int c = 0; c < fields.size(); c++) {
            String name = fields.get(c).getName();
            ArrowType t = fields.get(c).getType();
            boolean numeric = t instanceof ArrowType.Int || t instanceof ArrowType.FloatingPoint
                    || t instanceof ArrowType.Decimal;
            calls.add(call(COUNT, c, "count_" + name));
            calls.add(call(COUNT_DISTINCT, c, "distinct_" + name));
            calls.add(call(MIN, c, "min_" + name));
            calls.add(call(MAX, c, "max_" + name));
            if (numeric) {
                for (AggregateFunction f : List.of(SUM, AVG, VAR_SAMP, VAR_POP, STDDEV_SAMP, STDDEV_POP)) {
                    calls.add(call(f, c, f.sqlName() + "_" + name));
                }
            }
        }
        return calls;
    }

    private static Schema randomSchema(Random random) {
        List<Field> pool = List.of(Fields.bigint("b"), Fields.integer("i"), Fields.smallint("sm"),
                Fields.tinyint("t"), Fields.float64("x"), Fields.decimal("d", 18, 4), Fields.decimal("wide", 38, 2),
                Fields.varchar("s"), Fields.date("day"), Fields.timestamp("ts"), Fields.bool("flag"));
        List<Field> chosen = new ArrayList<>();
        for (Field f : pool) {
            if (random.nextInt(2) == 0) {
                chosen.add(f);
            }
        }
        if (chosen.isEmpty()) {
            chosen.add(pool.get(random.nextInt(pool.size())));
        }
        java.util.Collections.shuffle(chosen, random);
        return new Schema(chosen);
    }

    /** Values drawn from small domains so that groups repeat; NULL with probability {@code nulls}. */
    private static List<Object> randomRow(Schema schema, Random random, double nulls) {
        List<Object> row = new ArrayList<>();
        for (Field f : schema.getFields()) {
            if (random.nextDouble() < nulls) {
                row.add(null);
                continue;
            }
            int small = random.nextInt(5) - 2;
            Object v = switch (f.getName()) {
                case "b", "v" -> random.nextInt(4) == 0 ? random.nextLong() >> 16 : (long) small;
                case "i", "k" -> random.nextInt(4) == 0 ? random.nextInt() : small;
                case "sm" -> (short) (small * 1000);
                case "t" -> (byte) (small * 30);
                case "x" -> random.nextInt(4) == 0 ? random.nextGaussian() * 1e6 : small * 0.25;
                case "d" -> BigDecimal.valueOf(random.nextInt(2_000_000) - 1_000_000, 4);
                case "wide" -> random.nextInt(3) == 0
                        ? new BigDecimal(new java.math.BigInteger(100, random), 2) : BigDecimal.valueOf(small, 2);
                case "s" -> random.nextInt(3) == 0 ? "str-" + random.nextInt(50) + "-with-a-longer-tail"
                        : List.of("", "a", "b", "ä", "zz").get(small + 2);
                case "day" -> LocalDate.of(2024, 1, 1).plusDays(small * 40L);
                case "ts" -> T1.plusSeconds(small * 3600L);
                case "flag" -> small > 0;
                default -> throw new IllegalArgumentException(f.getName());
            };
            row.add(v);
        }
        return row;
    }
}
