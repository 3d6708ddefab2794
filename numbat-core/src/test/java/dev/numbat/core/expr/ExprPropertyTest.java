package dev.numbat.core.expr;

import static dev.numbat.core.expr.Batch.call;
import static dev.numbat.core.expr.Batch.lit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.testing.TestAllocator;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiFunction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Random inputs checked against a straightforward reference (BigDecimal / boxed Java): decimal arithmetic at
 * several scales including values past a long, comparisons across kinds, and select() against evaluate().
 */
class ExprPropertyTest {
    private final BufferAllocator allocator = TestAllocator.create();
    private final Random random = new Random(42);

    @AfterEach
    void close() {
        allocator.close();
    }

    private BigDecimal randomDecimal(int precision, int scale) {
        int digits = 1 + random.nextInt(precision);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < digits; i++) {
            sb.append((char) ('0' + random.nextInt(10)));
        }
        BigInteger u = new BigInteger(sb.toString());
        return new BigDecimal(random.nextBoolean() ? u : u.negate(), scale);
    }

    private static BigDecimal nonZero(BigDecimal d) {
        return d.signum() == 0 ? BigDecimal.ONE.setScale(d.scale()) : d;
    }

    private List<BigDecimal[]> rows(int n, int pa, int sa, int pb, int sb) {
        List<BigDecimal[]> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(new BigDecimal[] {random.nextInt(10) == 0 ? null : randomDecimal(pa, sa),
                    random.nextInt(10) == 0 ? null : nonZero(randomDecimal(pb, sb))});
        }
        return rows;
    }

    private void check(Fn fn, int pa, int sa, int pb, int sb, ArrowType result,
                       BiFunction<BigDecimal, BigDecimal, BigDecimal> reference) {
        List<BigDecimal[]> rows = rows(400, pa, sa, pb, sb);
        Batch b = Batch.of(Types.decimal(pa, sa), Types.decimal(pb, sb));
        rows.forEach(r -> b.row((Object[]) r));
        Expr e = call(fn, result, b.col(0), b.col(1));
        List<Object> got = b.eval(e, allocator);
        int s = Kinds.scale(result);
        for (int i = 0; i < rows.size(); i++) {
            BigDecimal x = rows.get(i)[0];
            BigDecimal y = rows.get(i)[1];
            Object want = x == null || y == null ? null : reference.apply(x, y).setScale(s, RoundingMode.HALF_UP);
            assertThat(got.get(i)).as("%s %s %s", x, fn, y).isEqualTo(want);
        }
    }

    @Test
    void decimalArithmeticMatchesBigDecimal() {
        for (int round = 0; round < 5; round++) {
            check(Fn.PLUS, 15, 2, 12, 4, Types.decimal(17, 4), BigDecimal::add);
            check(Fn.MINUS, 38, 2, 10, 0, Types.decimal(38, 2), BigDecimal::subtract);
            check(Fn.TIMES, 15, 2, 16, 2, Types.decimal(31, 4), BigDecimal::multiply);
            check(Fn.TIMES, 15, 2, 16, 2, Types.decimal(31, 2), BigDecimal::multiply);
            check(Fn.TIMES, 19, 3, 19, 3, Types.decimal(38, 6), BigDecimal::multiply);
            check(Fn.DIVIDE, 15, 2, 5, 2, Types.decimal(38, 6),
                    (x, y) -> x.divide(y, 6, RoundingMode.HALF_UP));
            check(Fn.DIVIDE, 30, 4, 12, 2, Types.decimal(38, 8),
                    (x, y) -> x.divide(y, 8, RoundingMode.HALF_UP));
            check(Fn.MOD, 12, 2, 6, 3, Types.decimal(12, 3),
                    BigDecimal::remainder);
        }
    }

    @Test
    void resultsBeyond38DigitsFail() {
        Batch b = Batch.of(Types.decimal(38, 0)).row(new BigDecimal("99999999999999999999999999999999999999"));
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> b.eval(call(Fn.TIMES, Types.decimal(38, 0), b.col(0),
                lit(10L, Types.BIGINT)), allocator)).hasMessageContaining("DECIMAL overflow");
    }

    @Test
    void comparisonsMatchReferenceAndSelectAgrees() {
        Batch b = Batch.of(Types.BIGINT, Types.decimal(12, 2), Types.DOUBLE, Types.VARCHAR);
        List<Object[]> rows = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            Object[] r = {random.nextInt(8) == 0 ? null : (long) random.nextInt(21) - 10,
                    random.nextInt(8) == 0 ? null : BigDecimal.valueOf(random.nextInt(2001) - 1000, 2),
                    random.nextInt(8) == 0 ? null : (random.nextInt(41) - 20) / 2.0,
                    random.nextInt(8) == 0 ? null : Integer.toString(random.nextInt(30), 7)};
            rows.add(r);
            b.row(r);
        }
        Fn[] ops = {Fn.EQ, Fn.NE, Fn.LT, Fn.LE, Fn.GT, Fn.GE};
        int[][] pairs = {{0, 1}, {1, 2}, {0, 2}, {1, 1}, {3, 3}};
        for (Fn op : ops) {
            for (int[] p : pairs) {
                int[] q = p[0] == p[1] ? new int[] {p[0], -1} : p;
                Expr right = q[1] >= 0 ? b.col(q[1]) : p[0] == 3 ? lit("12", Types.VARCHAR)
                        : lit(new BigDecimal("1.50"), Types.decimal(3, 2));
                Expr e = call(op, Types.BOOLEAN, b.col(q[0]), right);
                List<Object> got = b.eval(e, allocator);
                for (int i = 0; i < rows.size(); i++) {
                    Object x = rows.get(i)[q[0]];
                    Object y = q[1] >= 0 ? rows.get(i)[q[1]] : ((Expr.Literal) right).value();
                    Boolean want = x == null || y == null ? null : test(op, compare(x, y));
                    assertThat(got.get(i)).as("%s %s %s", x, op, y).isEqualTo(want);
                }
                assertSelectAgrees(b, e, got);
                // AND / OR / NOT on top, against the reference logic.
                Expr other = call(Fn.GT, Types.BOOLEAN, b.col(0), lit(0L, Types.BIGINT));
                List<Object> o = b.eval(other, allocator);
                List<Object> and = b.eval(call(Fn.AND, Types.BOOLEAN, e, other), allocator);
                List<Object> or = b.eval(call(Fn.OR, Types.BOOLEAN, other, e), allocator);
                for (int i = 0; i < rows.size(); i++) {
                    assertThat(and.get(i)).isEqualTo(and3((Boolean) got.get(i), (Boolean) o.get(i)));
                    assertThat(or.get(i)).isEqualTo(or3((Boolean) got.get(i), (Boolean) o.get(i)));
                }
                assertSelectAgrees(b, call(Fn.AND, Types.BOOLEAN, e, other), and);
                assertSelectAgrees(b, call(Fn.OR, Types.BOOLEAN, other, e), or);
                assertSelectAgrees(b, call(Fn.NOT, Types.BOOLEAN, e), b.eval(call(Fn.NOT, Types.BOOLEAN, e), allocator));
            }
        }
    }

    private void assertSelectAgrees(Batch b, Expr e, List<Object> values) {
        try (VectorSchemaRoot root = b.build(allocator)) {
            int[] sel = new int[root.getRowCount()];
            int k = ExprCompiler.compile(e).select(root, sel);
            List<Integer> want = new ArrayList<>();
            for (int i = 0; i < values.size(); i++) {
                if (Boolean.TRUE.equals(values.get(i))) {
                    want.add(i);
                }
            }
            List<Integer> got = new ArrayList<>();
            for (int j = 0; j < k; j++) {
                got.add(sel[j]);
            }
            assertThat(got).as("select %s", e).isEqualTo(want);
            // evaluate on the selection equals evaluate on all rows, compacted.
            try (FieldVector v = ExprCompiler.compile(e).evaluate(root, sel, k, allocator, "x")) {
                assertThat(v.getValueCount()).isEqualTo(k);
                for (int j = 0; j < k; j++) {
                    assertThat(v.getObject(j)).isEqualTo(true);
                }
            }
        }
    }

    private static Boolean and3(Boolean a, Boolean b) {
        if (Boolean.FALSE.equals(a) || Boolean.FALSE.equals(b)) {
            return false;
        }
        return a == null || b == null ? null : true;
    }

    private static Boolean or3(Boolean a, Boolean b) {
        if (Boolean.TRUE.equals(a) || Boolean.TRUE.equals(b)) {
            return true;
        }
        return a == null || b == null ? null : false;
    }

    private static int compare(Object x, Object y) {
        if (x instanceof String a && y instanceof String c) {
            return Integer.signum(a.compareTo(c));
        }
        if (x instanceof Double || y instanceof Double) {
            return Double.compare(((Number) x).doubleValue(), ((Number) y).doubleValue());
        }
        return new BigDecimal(x.toString()).compareTo(new BigDecimal(y.toString()));
    }

    private static boolean test(Fn op, int c) {
        return switch (op) {
            case EQ -> c == 0;
            case NE -> c != 0;
            case LT -> c < 0;
            case LE -> c <= 0;
            case GT -> c > 0;
            default -> c >= 0;
        };
    }
}
