package dev.numbat.core.expr;

import static dev.numbat.core.expr.Batch.call;
import static dev.numbat.core.expr.Batch.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.testing.TestAllocator;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.LocalDate;
import java.time.Period;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExprBasicsTest {
    private final BufferAllocator allocator = TestAllocator.create();

    @AfterEach
    void close() {
        allocator.close();
    }

    private static List<Object> list(Object... v) {
        return Arrays.asList(v);
    }

    @Test
    void columnAndLiteral() {
        Batch b = Batch.column(Types.BIGINT, 1L, null, 3L);
        assertThat(b.eval(b.col(0), allocator)).isEqualTo(list(1L, null, 3L));
        assertThat(b.eval(lit(7L, Types.BIGINT), allocator)).isEqualTo(list(7L, 7L, 7L));
        assertThat(b.eval(lit(null, Types.VARCHAR), allocator)).isEqualTo(list(null, null, null));
        assertThat(b.eval(lit("x", Types.VARCHAR), allocator)).isEqualTo(list("x", "x", "x"));
    }

    @Test
    void wideningCastWritesTheCastsType() {
        Batch b = Batch.column(Types.INT, 1, null, 3);
        Expr cast = call(Fn.CAST, Types.BIGINT, b.col(0));
        assertThat(b.eval(cast, allocator)).isEqualTo(list(1L, null, 3L));
        try (var root = b.build(allocator);
                org.apache.arrow.vector.FieldVector v = ExprCompiler.compile(cast).evaluate(root, allocator, "x")) {
            assertThat(v).isInstanceOf(org.apache.arrow.vector.BigIntVector.class);
        }
    }

    @Test
    void bigintArithmeticAndOverflow() {
        Batch b = Batch.of(Types.BIGINT, Types.BIGINT).row(5L, 2L).row(null, 1L).row(-7L, 2L);
        assertThat(b.eval(call(Fn.PLUS, Types.BIGINT, b.col(0), b.col(1)), allocator)).isEqualTo(list(7L, null, -5L));
        assertThat(b.eval(call(Fn.MINUS, Types.BIGINT, b.col(0), b.col(1)), allocator)).isEqualTo(list(3L, null, -9L));
        assertThat(b.eval(call(Fn.TIMES, Types.BIGINT, b.col(0), lit(3L, Types.BIGINT)), allocator))
                .isEqualTo(list(15L, null, -21L));
        assertThat(b.eval(call(Fn.DIVIDE, Types.BIGINT, b.col(0), b.col(1)), allocator)).isEqualTo(list(2L, null, -3L));
        assertThat(b.eval(call(Fn.MOD, Types.BIGINT, b.col(0), b.col(1)), allocator)).isEqualTo(list(1L, null, -1L));
        assertThat(b.eval(call(Fn.NEGATE, Types.BIGINT, b.col(0)), allocator)).isEqualTo(list(-5L, null, 7L));
        Batch big = Batch.column(Types.BIGINT, Long.MAX_VALUE);
        assertThatThrownBy(() -> big.eval(call(Fn.PLUS, Types.BIGINT, big.col(0), lit(1L, Types.BIGINT)), allocator))
                .isInstanceOf(NumbatException.class).hasMessageContaining("BIGINT overflow")
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
        assertThatThrownBy(() -> b.eval(call(Fn.DIVIDE, Types.BIGINT, b.col(0), lit(0L, Types.BIGINT)), allocator))
                .isInstanceOf(NumbatException.class).hasMessageContaining("division by zero");
        // NULL rows do not raise: the NULL dividend row with a zero divisor.
        Batch z = Batch.of(Types.BIGINT, Types.BIGINT).row(null, 0L).row(4L, 2L);
        assertThat(z.eval(call(Fn.DIVIDE, Types.BIGINT, z.col(0), z.col(1)), allocator)).isEqualTo(list(null, 2L));
    }

    @Test
    void integerResultOverflowsInt32() {
        Batch b = Batch.column(Types.INT, 2_000_000_000);
        assertThatThrownBy(() -> b.eval(call(Fn.PLUS, Types.INT, b.col(0), b.col(0)), allocator))
                .isInstanceOf(NumbatException.class).hasMessageContaining("INTEGER overflow");
        assertThat(b.eval(call(Fn.PLUS, Types.BIGINT, b.col(0), b.col(0)), allocator)).isEqualTo(list(4_000_000_000L));
    }

    @Test
    void doubleArithmetic() {
        Batch b = Batch.of(Types.DOUBLE, Types.INT).row(1.5, 2).row(null, 3).row(-2.0, null);
        assertThat(b.eval(call(Fn.TIMES, Types.DOUBLE, b.col(0), b.col(1)), allocator)).isEqualTo(list(3.0, null, null));
        assertThat(b.eval(call(Fn.DIVIDE, Types.DOUBLE, b.col(1), lit(4.0, Types.DOUBLE)), allocator))
                .isEqualTo(list(0.5, 0.75, null));
    }

    @Test
    void decimalArithmeticRescales() {
        ArrowType d152 = Types.decimal(15, 2);
        Batch b = Batch.of(d152, Types.decimal(16, 2)).row(new BigDecimal("10.25"), new BigDecimal("0.05"))
                .row(new BigDecimal("-3.10"), null).row(new BigDecimal("0.01"), new BigDecimal("0.50"));
        assertThat(b.eval(call(Fn.TIMES, Types.decimal(31, 4), b.col(0), b.col(1)), allocator))
                .isEqualTo(list(new BigDecimal("0.5125"), null, new BigDecimal("0.0050")));
        // A smaller result scale rounds half away from zero.
        assertThat(b.eval(call(Fn.TIMES, Types.decimal(31, 2), b.col(0), b.col(1)), allocator))
                .isEqualTo(list(new BigDecimal("0.51"), null, new BigDecimal("0.01")));
        assertThat(b.eval(call(Fn.PLUS, Types.decimal(17, 2), b.col(0), lit(1L, Types.INT)), allocator))
                .isEqualTo(list(new BigDecimal("11.25"), new BigDecimal("-2.10"), new BigDecimal("1.01")));
        assertThat(b.eval(call(Fn.MINUS, Types.decimal(17, 2), lit(1L, Types.INT), b.col(1)), allocator))
                .isEqualTo(list(new BigDecimal("0.95"), null, new BigDecimal("0.50")));
        assertThat(b.eval(call(Fn.DIVIDE, Types.decimal(38, 6), b.col(0), b.col(1)), allocator))
                .isEqualTo(list(new BigDecimal("205.000000"), null, new BigDecimal("0.020000")));
        assertThat(b.eval(call(Fn.DIVIDE, Types.decimal(38, 2), lit(new BigDecimal("2.00"), d152),
                lit(new BigDecimal("3.00"), d152)), allocator)).first().isEqualTo(new BigDecimal("0.67"));
        assertThat(b.eval(call(Fn.DIVIDE, Types.decimal(38, 2), lit(new BigDecimal("-2.00"), d152),
                lit(new BigDecimal("3.00"), d152)), allocator)).first().isEqualTo(new BigDecimal("-0.67"));
        assertThat(b.eval(call(Fn.MOD, d152, b.col(0), lit(new BigDecimal("3.00"), d152)), allocator))
                .isEqualTo(list(new BigDecimal("1.25"), new BigDecimal("-0.10"), new BigDecimal("0.01")));
        assertThatThrownBy(() -> b.eval(call(Fn.DIVIDE, Types.decimal(38, 6), b.col(0),
                lit(new BigDecimal("0.00"), d152)), allocator)).hasMessageContaining("division by zero");
    }

    @Test
    void decimalBeyondLongIsExact() {
        ArrowType d38 = Types.decimal(38, 2);
        BigDecimal huge = new BigDecimal("12345678901234567890123.45");
        Batch b = Batch.of(d38).row(huge).row(new BigDecimal("1.00"));
        assertThat(b.eval(call(Fn.TIMES, Types.decimal(38, 4), b.col(0), lit(new BigDecimal("3.00"), d38)), allocator))
                .isEqualTo(list(huge.multiply(new BigDecimal("3.00")), new BigDecimal("3.0000")));
        assertThat(b.eval(call(Fn.PLUS, d38, b.col(0), b.col(0)), allocator))
                .isEqualTo(list(huge.add(huge), new BigDecimal("2.00")));
        assertThat(b.eval(call(Fn.GT, Types.BOOLEAN, b.col(0), lit(5L, Types.BIGINT)), allocator))
                .isEqualTo(list(true, false));
    }

    @Test
    void tpchChargeIsExact() {
        ArrowType d152 = Types.decimal(15, 2);
        Batch b = Batch.of(d152, d152, d152);
        java.util.Random r = new java.util.Random(1);
        for (int i = 0; i < 500; i++) {
            b.row(BigDecimal.valueOf(r.nextInt(10_000_000), 2), BigDecimal.valueOf(r.nextInt(11), 2),
                    BigDecimal.valueOf(r.nextInt(9), 2));
        }
        Expr oneMinusDisc = call(Fn.MINUS, Types.decimal(16, 2), lit(1L, Types.INT), b.col(1));
        Expr onePlusTax = call(Fn.PLUS, Types.decimal(16, 2), lit(1L, Types.INT), b.col(2));
        Expr discPrice = call(Fn.TIMES, Types.decimal(31, 4), b.col(0), oneMinusDisc);
        Expr charge = call(Fn.TIMES, Types.decimal(38, 6), discPrice, onePlusTax);
        List<Object> got = b.eval(charge, allocator);
        for (int i = 0; i < 500; i++) {
            Object[] row = bRow(b, i);
            BigDecimal expect = ((BigDecimal) row[0]).multiply(BigDecimal.ONE.subtract((BigDecimal) row[1]))
                    .multiply(BigDecimal.ONE.add((BigDecimal) row[2]));
            assertThat((BigDecimal) got.get(i)).isEqualByComparingTo(expect);
        }
    }

    private static Object[] bRow(Batch b, int i) {
        try {
            java.lang.reflect.Field f = Batch.class.getDeclaredField("rows");
            f.setAccessible(true);
            @SuppressWarnings("unchecked")
            List<Object[]> rows = (List<Object[]>) f.get(b);
            return rows.get(i);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void shipdateFilter() {
        Batch b = Batch.column(Types.DATE, LocalDate.of(1998, 9, 2), LocalDate.of(1998, 9, 3), null,
                LocalDate.of(1992, 1, 1));
        Expr cutoff = call(Fn.MINUS, Types.DATE, lit(LocalDate.of(1998, 12, 1), Types.DATE),
                lit(Duration.ofDays(90), Types.INTERVAL_DAY_TIME));
        Expr le = call(Fn.LE, Types.BOOLEAN, b.col(0), cutoff);
        assertThat(b.eval(le, allocator)).isEqualTo(list(true, false, null, true));
        assertThat(b.eval(cutoff, allocator)).first().isEqualTo(LocalDate.of(1998, 9, 2));
        try (VectorSchemaRoot root = b.build(allocator)) {
            int[] sel = new int[4];
            int k = ExprCompiler.compile(le).select(root, sel);
            assertThat(Arrays.copyOf(sel, k)).containsExactly(0, 3);
        }
    }

    @Test
    void dateArithmetic() {
        Batch b = Batch.column(Types.DATE, LocalDate.of(2024, 1, 31), LocalDate.of(2023, 3, 31), null);
        assertThat(b.eval(call(Fn.PLUS, Types.DATE, b.col(0), lit(Period.ofMonths(1), Types.INTERVAL_YEAR_MONTH)),
                allocator)).isEqualTo(list(LocalDate.of(2024, 2, 29), LocalDate.of(2023, 4, 30), null));
        assertThat(b.eval(call(Fn.MINUS, Types.DATE, b.col(0), lit(Period.ofYears(1), Types.INTERVAL_YEAR_MONTH)),
                allocator)).isEqualTo(list(LocalDate.of(2023, 1, 31), LocalDate.of(2022, 3, 31), null));
        assertThat(b.eval(call(Fn.MINUS, Types.INT, b.col(0), lit(LocalDate.of(2023, 1, 1), Types.DATE)),
                allocator)).isEqualTo(list(395, 89, null));
    }

    @Test
    void comparisonsAcrossTypes() {
        Batch b = Batch.of(Types.INT, Types.decimal(10, 2), Types.DOUBLE, Types.VARCHAR)
                .row(2, new BigDecimal("2.00"), 1.5, "abc")
                .row(3, new BigDecimal("2.99"), 3.0, "abd")
                .row(null, new BigDecimal("-1.00"), null, "ab")
                .row(1, null, 0.5, null);
        assertThat(b.eval(call(Fn.EQ, Types.BOOLEAN, b.col(0), b.col(1)), allocator))
                .isEqualTo(list(true, false, null, null));
        assertThat(b.eval(call(Fn.GT, Types.BOOLEAN, b.col(0), b.col(1)), allocator))
                .isEqualTo(list(false, true, null, null));
        assertThat(b.eval(call(Fn.LT, Types.BOOLEAN, b.col(2), b.col(0)), allocator))
                .isEqualTo(list(true, false, null, true));
        assertThat(b.eval(call(Fn.GE, Types.BOOLEAN, lit(new BigDecimal("2.5"), Types.decimal(2, 1)), b.col(1)),
                allocator)).isEqualTo(list(true, false, true, null));
        assertThat(b.eval(call(Fn.LT, Types.BOOLEAN, b.col(3), lit("abd", Types.VARCHAR)), allocator))
                .isEqualTo(list(true, false, true, null));
        assertThat(b.eval(call(Fn.NE, Types.BOOLEAN, b.col(3), lit("abc", Types.VARCHAR)), allocator))
                .isEqualTo(list(false, true, true, null));
        assertThat(b.eval(call(Fn.BETWEEN, Types.BOOLEAN, b.col(0), lit(2L, Types.INT), lit(3L, Types.INT)),
                allocator)).isEqualTo(list(true, true, null, false));
        // Non-ASCII sorts after ASCII (unsigned bytes).
        Batch s = Batch.column(Types.VARCHAR, "é", "z");
        assertThat(s.eval(call(Fn.GT, Types.BOOLEAN, s.col(0), lit("z", Types.VARCHAR)), allocator))
                .isEqualTo(list(true, false));
    }

    @Test
    void threeValuedLogic() {
        Batch b = Batch.of(Types.BOOLEAN, Types.BOOLEAN);
        Boolean[] v = {true, false, null};
        for (Boolean x : v) {
            for (Boolean y : v) {
                b.row(x, y);
            }
        }
        assertThat(b.eval(call(Fn.AND, Types.BOOLEAN, b.col(0), b.col(1)), allocator))
                .isEqualTo(list(true, false, null, false, false, false, null, false, null));
        assertThat(b.eval(call(Fn.OR, Types.BOOLEAN, b.col(0), b.col(1)), allocator))
                .isEqualTo(list(true, true, true, true, false, null, true, null, null));
        assertThat(b.eval(call(Fn.NOT, Types.BOOLEAN, b.col(0)), allocator))
                .isEqualTo(list(false, false, false, true, true, true, null, null, null));
        assertThat(b.eval(call(Fn.IS_NULL, Types.BOOLEAN, b.col(1)), allocator))
                .isEqualTo(list(false, false, true, false, false, true, false, false, true));
        assertThat(b.eval(call(Fn.IS_NOT_TRUE, Types.BOOLEAN, b.col(0)), allocator))
                .isEqualTo(list(false, false, false, true, true, true, true, true, true));
        try (VectorSchemaRoot root = b.build(allocator)) {
            int[] sel = new int[9];
            int k = ExprCompiler.compile(call(Fn.OR, Types.BOOLEAN, b.col(0), b.col(1))).select(root, sel);
            assertThat(Arrays.copyOf(sel, k)).containsExactly(0, 1, 2, 3, 6);
            k = ExprCompiler.compile(call(Fn.AND, Types.BOOLEAN, b.col(0), b.col(1))).select(root, sel);
            assertThat(Arrays.copyOf(sel, k)).containsExactly(0);
        }
    }

    @Test
    void andShortCircuitsDivisionByZero() {
        // x <> 0 AND 10 / x > 1: the division never sees the zero row.
        Batch b = Batch.column(Types.BIGINT, 0L, 5L, 20L);
        Expr guard = call(Fn.NE, Types.BOOLEAN, b.col(0), lit(0L, Types.BIGINT));
        Expr div = call(Fn.GT, Types.BOOLEAN, call(Fn.DIVIDE, Types.BIGINT, lit(10L, Types.BIGINT), b.col(0)),
                lit(1L, Types.BIGINT));
        assertThat(b.eval(call(Fn.AND, Types.BOOLEAN, guard, div), allocator)).isEqualTo(list(false, true, false));
    }

    @Test
    void typeErrorsNameFunctionAndTypes() {
        Batch b = Batch.of(Types.VARCHAR, Types.BIGINT);
        assertThatThrownBy(() -> ExprCompiler.compile(call(Fn.PLUS, Types.BIGINT, b.col(0), b.col(1))))
                .isInstanceOf(NumbatException.class).hasMessageContaining("PLUS").hasMessageContaining("VARCHAR")
                .hasMessageContaining("BIGINT");
        assertThatThrownBy(() -> ExprCompiler.compile(call(Fn.AND, Types.BOOLEAN, b.col(1), b.col(1))))
                .isInstanceOf(NumbatException.class).hasMessageContaining("AND");
        assertThatThrownBy(() -> ExprCompiler.compile(call(Fn.EQ, Types.BOOLEAN, b.col(1))))
                .isInstanceOf(NumbatException.class).hasMessageContaining("EQ takes 2");
    }

    @Test
    void serializable() throws Exception {
        Batch b = Batch.column(Types.BIGINT, 1L, 2L);
        CompiledExpr c = ExprCompiler.compile(call(Fn.PLUS, Types.BIGINT, b.col(0), lit(1L, Types.BIGINT)));
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(c);
        }
        CompiledExpr back;
        try (java.io.ObjectInputStream in = new java.io.ObjectInputStream(
                new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            back = (CompiledExpr) in.readObject();
        }
        try (VectorSchemaRoot root = b.build(allocator);
             org.apache.arrow.vector.FieldVector v = back.evaluate(root, allocator, "x")) {
            assertThat(Batch.values(v)).isEqualTo(list(2L, 3L));
        }
    }
}
