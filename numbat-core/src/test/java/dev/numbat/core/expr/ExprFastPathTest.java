package dev.numbat.core.expr;

import static dev.numbat.core.expr.Batch.call;
import static dev.numbat.core.expr.Batch.lit;
import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.testing.TestAllocator;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The long-only fast paths of DECIMAL arithmetic (falling back to exact arithmetic from the first row that
 * overflows a long), column-op-literal comparisons, and the vector writer's unzeroed buffers.
 */
class ExprFastPathTest {
    private final BufferAllocator allocator = TestAllocator.create();
    private static final BigDecimal LONG_MAX = BigDecimal.valueOf(Long.MAX_VALUE);

    @AfterEach
    void close() {
        allocator.close();
    }

    @Test
    void decimalPlusAndMinusFallBackOnlyWhereALongOverflows() {
        ArrowType d = Types.decimal(38, 0);
        BigDecimal near = LONG_MAX.subtract(BigDecimal.ONE);
        BigDecimal min = BigDecimal.valueOf(Long.MIN_VALUE);
        Batch b = Batch.of(d, d).row(new BigDecimal(1), new BigDecimal(2)).row(near, new BigDecimal(5))
                .row(new BigDecimal(-4), new BigDecimal(3)).row(null, new BigDecimal(1)).row(min, new BigDecimal(-1))
                .row(min, min).row(new BigDecimal(7), new BigDecimal(8));
        List<Object> plus = b.eval(call(Fn.PLUS, d, b.col(0), b.col(1)), allocator);
        List<Object> minus = b.eval(call(Fn.MINUS, d, b.col(0), b.col(1)), allocator);
        List<Object> minusSelf = b.eval(call(Fn.MINUS, d, b.col(1), b.col(0)), allocator);
        for (int i = 0; i < 7; i++) {
            BigDecimal x = (BigDecimal) row(b, i)[0];
            BigDecimal y = (BigDecimal) row(b, i)[1];
            assertThat(plus.get(i)).as("row %d", i).isEqualTo(x == null ? null : x.add(y));
            assertThat(minus.get(i)).as("row %d", i).isEqualTo(x == null ? null : x.subtract(y));
            assertThat(minusSelf.get(i)).as("row %d", i).isEqualTo(x == null ? null : y.subtract(x));
        }
    }

    @Test
    void decimalTimesMatchesBigDecimalAtEveryRescale() {
        Random r = new Random(7);
        for (int sa : new int[] {0, 2, 4}) {
            for (int sb : new int[] {0, 2, 3}) {
                for (int s : new int[] {0, 1, 2, 3, 4, 5, 6, 8}) {
                    ArrowType ta = Types.decimal(38, sa);
                    ArrowType tb = Types.decimal(38, sb);
                    Batch b = Batch.of(ta, tb);
                    for (int i = 0; i < 200; i++) {
                        // mostly small values, some near (and past) where a long product overflows
                        long x = i % 50 == 7 ? Long.MAX_VALUE / 3 : r.nextInt(2_000_001) - 1_000_000;
                        long y = i % 50 == 7 ? 5 : i % 3 == 0 ? r.nextInt(10_001) - 5_000 : r.nextInt(101) - 50;
                        b.row(i % 17 == 3 ? null : BigDecimal.valueOf(x, sa), BigDecimal.valueOf(y, sb));
                    }
                    ArrowType t = Types.decimal(38, s);
                    List<Object> got = b.eval(call(Fn.TIMES, t, b.col(0), b.col(1)), allocator);
                    for (int i = 0; i < 200; i++) {
                        BigDecimal x = (BigDecimal) row(b, i)[0];
                        BigDecimal y = (BigDecimal) row(b, i)[1];
                        Object expect = x == null ? null : x.multiply(y).setScale(s, RoundingMode.HALF_UP);
                        assertThat(got.get(i)).as("%d x %d -> %d, row %d", sa, sb, s, i).isEqualTo(expect);
                    }
                }
            }
        }
    }

    /** A NULL row holding a value that overflows is skipped by the exact loop that takes over. */
    @Test
    void nullRowThatOverflowsIsIgnored() {
        ArrowType d = Types.decimal(38, 0);
        Batch b = Batch.of(d, d);
        for (int i = 0; i < 5; i++) {
            b.row(BigDecimal.valueOf(i), BigDecimal.valueOf(2));
        }
        try (VectorSchemaRoot root = b.build(allocator)) {
            DecimalVector v = (DecimalVector) root.getVector(0);
            v.set(2, Long.MAX_VALUE);
            v.setNull(2); // the value stays in the data buffer
            for (Fn fn : new Fn[] {Fn.PLUS, Fn.TIMES}) {
                try (FieldVector out = ExprCompiler.compile(call(fn, d, b.col(0), b.col(1)))
                        .evaluate(root, allocator, "r")) {
                    List<Object> expect = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        expect.add(i == 2 ? null : fn == Fn.PLUS ? BigDecimal.valueOf(i + 2) : BigDecimal.valueOf(2L * i));
                    }
                    assertThat(Batch.values(out)).isEqualTo(expect);
                }
            }
        }
    }

    @Test
    void comparisonsWithALiteralOnEitherSide() {
        ArrowType d = Types.decimal(15, 2);
        Batch b = Batch.of(Types.BIGINT, d);
        Random r = new Random(3);
        int n = 203;
        for (int i = 0; i < n; i++) {
            b.row(i % 11 == 0 ? null : (long) r.nextInt(7) - 3, i % 13 == 0 ? null : BigDecimal.valueOf(r.nextInt(7) + 3, 2));
        }
        Fn[] fns = {Fn.EQ, Fn.NE, Fn.LT, Fn.LE, Fn.GT, Fn.GE};
        try (VectorSchemaRoot root = b.build(allocator)) {
            for (Fn fn : fns) {
                for (boolean literalFirst : new boolean[] {false, true}) {
                    for (int c = 0; c < 2; c++) {
                        Expr literal = c == 0 ? lit(0L, Types.BIGINT) : lit(new BigDecimal("0.06"), d);
                        Expr e = literalFirst ? call(fn, Types.BOOLEAN, literal, b.col(c))
                                : call(fn, Types.BOOLEAN, b.col(c), literal);
                        int[] sel = new int[n];
                        int k = ExprCompiler.compile(e).select(root, sel);
                        List<Integer> expect = new ArrayList<>();
                        List<Object> values = new ArrayList<>();
                        for (int i = 0; i < n; i++) {
                            Object v = row(b, i)[c];
                            if (v == null) {
                                values.add(null);
                                continue;
                            }
                            int cmp = c == 0 ? Long.compare((Long) v, 0L)
                                    : ((BigDecimal) v).compareTo(new BigDecimal("0.06"));
                            if (literalFirst) {
                                cmp = -cmp;
                            }
                            boolean t = switch (fn) {
                                case EQ -> cmp == 0;
                                case NE -> cmp != 0;
                                case LT -> cmp < 0;
                                case LE -> cmp <= 0;
                                case GT -> cmp > 0;
                                default -> cmp >= 0;
                            };
                            values.add(t);
                            if (t) {
                                expect.add(i);
                            }
                        }
                        List<Integer> got = new ArrayList<>();
                        for (int j = 0; j < k; j++) {
                            got.add(sel[j]);
                        }
                        assertThat(got).as("%s %s", fn, e).isEqualTo(expect);
                        // the BOOLEAN vector (bits and validity written a byte at a time, 203 rows)
                        assertThat(b.eval(e, allocator)).as("%s %s", fn, e).isEqualTo(values);
                    }
                }
            }
        }
    }

    @Test
    void writerFillsEveryTypeWithoutZeroedBuffers() {
        // Reuse freed memory so that garbage would show if a byte were left unwritten.
        for (int round = 0; round < 3; round++) {
            Batch b = Batch.of(Types.BIGINT, Types.VARCHAR, Types.decimal(15, 2));
            for (int i = 0; i < 21; i++) {
                b.row(i % 4 == 1 ? null : (long) i, i % 5 == 2 ? null : "s" + i,
                        i % 3 == 0 ? null : BigDecimal.valueOf(i * 101L, 2));
            }
            for (int c = 0; c < 3; c++) {
                List<Object> expect = new ArrayList<>();
                for (int i = 0; i < 21; i++) {
                    Object v = row(b, i)[c];
                    expect.add(v);
                }
                List<Object> got = b.eval(b.col(c), allocator);
                if (c == 1) {
                    got = got.stream().map(o -> (Object) (o == null ? null : o.toString())).toList();
                }
                assertThat(got).isEqualTo(expect);
            }
            try (VectorSchemaRoot root = b.build(allocator);
                 FieldVector v = ExprCompiler.compile(b.col(0)).evaluate(root, allocator, "r")) {
                assertThat(v.getNullCount()).isEqualTo(5);
            }
        }
    }

    private static Object[] row(Batch b, int i) {
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

}
