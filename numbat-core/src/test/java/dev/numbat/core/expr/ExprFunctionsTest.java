package dev.numbat.core.expr;

import static dev.numbat.core.expr.Batch.call;
import static dev.numbat.core.expr.Batch.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.NumbatException;
import dev.numbat.core.testing.TestAllocator;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ExprFunctionsTest {
    private final BufferAllocator allocator = TestAllocator.create();

    @AfterEach
    void close() {
        allocator.close();
    }

    private static List<Object> list(Object... v) {
        return Arrays.asList(v);
    }

    private static Expr s(String v) {
        return lit(v, Types.VARCHAR);
    }

    private List<Object> like(Batch b, String pattern, String escape) {
        Expr e = escape == null ? call(Fn.LIKE, Types.BOOLEAN, b.col(0), s(pattern))
                : call(Fn.LIKE, Types.BOOLEAN, b.col(0), s(pattern), s(escape));
        List<Object> viaEval = b.eval(e, allocator);
        // select() must agree with evaluate().
        try (VectorSchemaRoot root = b.build(allocator)) {
            int[] sel = new int[root.getRowCount()];
            int k = ExprCompiler.compile(e).select(root, sel);
            for (int j = 0; j < k; j++) {
                assertThat(viaEval.get(sel[j])).isEqualTo(true);
            }
            assertThat(viaEval.stream().filter(Boolean.TRUE::equals).count()).isEqualTo(k);
        }
        return viaEval;
    }

    @Test
    void likePatterns() {
        Batch b = Batch.column(Types.VARCHAR, "forest green lace", "PROMO BRUSHED", "LARGE BRASS", "abc", "aéc", null,
                "a%c", "ac");
        assertThat(like(b, "%green%", null)).isEqualTo(list(true, false, false, false, false, null, false, false));
        assertThat(like(b, "PROMO%", null)).isEqualTo(list(false, true, false, false, false, null, false, false));
        assertThat(like(b, "%BRASS", null)).isEqualTo(list(false, false, true, false, false, null, false, false));
        assertThat(like(b, "a_c", null)).isEqualTo(list(false, false, false, true, true, null, true, false));
        assertThat(like(b, "abc", null)).isEqualTo(list(false, false, false, true, false, null, false, false));
        assertThat(like(b, "a!%c", "!")).isEqualTo(list(false, false, false, false, false, null, true, false));
        assertThat(like(b, "a%c", null)).isEqualTo(list(false, false, false, true, true, null, true, true));
        assertThat(like(b, "%e%a%", null)).isEqualTo(list(true, false, false, false, false, null, false, false));
        assertThat(like(b, "%", null)).isEqualTo(list(true, true, true, true, true, null, true, true));
        assertThat(like(b, "_", null)).isEqualTo(list(false, false, false, false, false, null, false, false));
        Batch q13 = Batch.column(Types.VARCHAR, "special requests", "specialrequests", "requests special", "special");
        assertThat(like(q13, "%special%requests%", null)).isEqualTo(list(true, true, false, false));
    }

    @Test
    void inLists() {
        Batch b = Batch.of(Types.INT, Types.VARCHAR, Types.decimal(5, 2)).row(1, "MAIL", new BigDecimal("0.05"))
                .row(7, "SHIP", new BigDecimal("0.06")).row(null, null, null).row(3, "AIR", new BigDecimal("1.00"));
        assertThat(b.eval(call(Fn.IN, Types.BOOLEAN, b.col(0), lit(1L, Types.INT), lit(3L, Types.INT)), allocator))
                .isEqualTo(list(true, false, null, true));
        assertThat(b.eval(call(Fn.IN, Types.BOOLEAN, b.col(1), s("MAIL"), s("SHIP")), allocator))
                .isEqualTo(list(true, true, null, false));
        assertThat(b.eval(call(Fn.IN, Types.BOOLEAN, b.col(1), s("MAIL"), lit(null, Types.VARCHAR)), allocator))
                .isEqualTo(list(true, null, null, null));
        assertThat(b.eval(call(Fn.IN, Types.BOOLEAN, b.col(2), lit(new BigDecimal("0.06"), Types.decimal(3, 2)),
                lit(1L, Types.INT)), allocator)).isEqualTo(list(false, true, null, true));
    }

    @Test
    void caseCoalesceNullif() {
        Batch b = Batch.of(Types.BIGINT, Types.VARCHAR).row(1L, "a").row(2L, null).row(null, "c").row(0L, "d");
        Expr gt1 = call(Fn.GT, Types.BOOLEAN, b.col(0), lit(1L, Types.BIGINT));
        Expr eq0 = call(Fn.EQ, Types.BOOLEAN, b.col(0), lit(0L, Types.BIGINT));
        // CASE WHEN x > 1 THEN 'big' WHEN x = 0 THEN s ELSE 'other' END
        assertThat(b.eval(call(Fn.CASE, Types.VARCHAR, gt1, s("big"), eq0, b.col(1), s("other")), allocator))
                .isEqualTo(list("other", "big", "other", "d"));
        assertThat(b.eval(call(Fn.CASE, Types.BIGINT, gt1, b.col(0)), allocator)).isEqualTo(list(null, 2L, null, null));
        // The ELSE branch is never evaluated for rows a WHEN took: 10 / x with x = 0 is guarded.
        Expr div = call(Fn.DIVIDE, Types.BIGINT, lit(10L, Types.BIGINT), b.col(0));
        assertThat(b.eval(call(Fn.CASE, Types.BIGINT, eq0, lit(-1L, Types.BIGINT), div), allocator))
                .isEqualTo(list(10L, 5L, null, -1L));
        assertThat(b.eval(call(Fn.COALESCE, Types.VARCHAR, b.col(1), s("none")), allocator))
                .isEqualTo(list("a", "none", "c", "d"));
        assertThat(b.eval(call(Fn.COALESCE, Types.decimal(20, 1), b.col(0), lit(new BigDecimal("0.5"),
                Types.decimal(2, 1))), allocator)).isEqualTo(list(new BigDecimal("1.0"), new BigDecimal("2.0"),
                new BigDecimal("0.5"), new BigDecimal("0.0")));
        assertThat(b.eval(call(Fn.NULLIF, Types.BIGINT, b.col(0), lit(2L, Types.BIGINT)), allocator))
                .isEqualTo(list(1L, null, null, 0L));
    }

    @Test
    void casts() {
        Batch b = Batch.of(Types.decimal(10, 3), Types.VARCHAR, Types.DOUBLE).row(new BigDecimal("2.500"), "12", 2.5)
                .row(new BigDecimal("-2.500"), " 7 ", -2.5).row(null, null, null);
        assertThat(b.eval(call(Fn.CAST, Types.BIGINT, b.col(0)), allocator)).isEqualTo(list(3L, -3L, null));
        assertThat(b.eval(call(Fn.CAST, Types.INT, b.col(2)), allocator)).isEqualTo(list(3, -3, null));
        assertThat(b.eval(call(Fn.CAST, Types.decimal(10, 1), b.col(0)), allocator))
                .isEqualTo(list(new BigDecimal("2.5"), new BigDecimal("-2.5"), null));
        assertThat(b.eval(call(Fn.CAST, Types.DOUBLE, b.col(0)), allocator)).isEqualTo(list(2.5, -2.5, null));
        assertThat(b.eval(call(Fn.CAST, Types.BIGINT, b.col(1)), allocator)).isEqualTo(list(12L, 7L, null));
        assertThat(b.eval(call(Fn.CAST, Types.VARCHAR, b.col(0)), allocator)).isEqualTo(list("2.500", "-2.500", null));
        assertThat(b.eval(call(Fn.CAST, Types.decimal(5, 2), b.col(2)), allocator))
                .isEqualTo(list(new BigDecimal("2.50"), new BigDecimal("-2.50"), null));
        Batch d = Batch.column(Types.VARCHAR, "1998-12-01", "oops");
        assertThatThrownBy(() -> d.eval(call(Fn.CAST, Types.DATE, d.col(0)), allocator))
                .isInstanceOf(NumbatException.class).hasMessageContaining("'oops'").hasMessageContaining("DATE");
        Batch ok = Batch.column(Types.VARCHAR, "1998-12-01");
        assertThat(ok.eval(call(Fn.CAST, Types.DATE, ok.col(0)), allocator)).isEqualTo(list(LocalDate.of(1998, 12, 1)));
        Batch dt = Batch.column(Types.DATE, LocalDate.of(2020, 2, 29));
        assertThat(dt.eval(call(Fn.CAST, Types.TIMESTAMP, dt.col(0)), allocator))
                .isEqualTo(list(LocalDateTime.of(2020, 2, 29, 0, 0)));
        assertThat(dt.eval(call(Fn.CAST, Types.VARCHAR, dt.col(0)), allocator)).isEqualTo(list("2020-02-29"));
        Batch ts = Batch.column(Types.TIMESTAMP, LocalDateTime.of(2020, 2, 29, 23, 59, 1));
        assertThat(ts.eval(call(Fn.CAST, Types.DATE, ts.col(0)), allocator)).isEqualTo(list(LocalDate.of(2020, 2, 29)));
        Batch big = Batch.column(Types.BIGINT, 3_000_000_000L);
        assertThatThrownBy(() -> big.eval(call(Fn.CAST, Types.INT, big.col(0)), allocator))
                .hasMessageContaining("INTEGER overflow");
        // A date column compared with a string literal parses the literal once.
        assertThat(dt.eval(call(Fn.GE, Types.BOOLEAN, dt.col(0), s("2020-01-01")), allocator)).isEqualTo(list(true));
    }

    @Test
    void strings() {
        Batch b = Batch.column(Types.VARCHAR, "  Hello World ", "héllo", "", null, "13-456");
        assertThat(b.eval(call(Fn.SUBSTRING, Types.VARCHAR, b.col(0), lit(3L, Types.INT), lit(5L, Types.INT)),
                allocator)).isEqualTo(list("Hello", "llo", "", null, "-456"));
        assertThat(b.eval(call(Fn.SUBSTRING, Types.VARCHAR, b.col(0), lit(2L, Types.INT)), allocator))
                .isEqualTo(list(" Hello World ", "éllo", "", null, "3-456"));
        assertThat(b.eval(call(Fn.SUBSTRING, Types.VARCHAR, b.col(0), lit(0L, Types.INT), lit(2L, Types.INT)),
                allocator)).isEqualTo(list(" ", "h", "", null, "1"));
        assertThat(b.eval(call(Fn.UPPER, Types.VARCHAR, b.col(0)), allocator))
                .isEqualTo(list("  HELLO WORLD ", "HÉLLO", "", null, "13-456"));
        assertThat(b.eval(call(Fn.LOWER, Types.VARCHAR, b.col(0)), allocator))
                .isEqualTo(list("  hello world ", "héllo", "", null, "13-456"));
        assertThat(b.eval(call(Fn.TRIM, Types.VARCHAR, b.col(0)), allocator))
                .isEqualTo(list("Hello World", "héllo", "", null, "13-456"));
        assertThat(b.eval(call(Fn.LTRIM, Types.VARCHAR, b.col(0)), allocator)).first().isEqualTo("Hello World ");
        assertThat(b.eval(call(Fn.RTRIM, Types.VARCHAR, b.col(0)), allocator)).first().isEqualTo("  Hello World");
        assertThat(b.eval(call(Fn.CHAR_LENGTH, Types.INT, b.col(0)), allocator)).isEqualTo(list(14, 5, 0, null, 6));
        assertThat(b.eval(call(Fn.CONCAT, Types.VARCHAR, b.col(0), s("!"), lit(1L, Types.INT)), allocator))
                .isEqualTo(list("  Hello World !1", "héllo!1", "!1", null, "13-456!1"));
        assertThat(b.eval(call(Fn.POSITION, Types.INT, s("l"), b.col(0)), allocator)).isEqualTo(list(5, 3, 0, null, 0));
        assertThat(b.eval(call(Fn.STARTS_WITH, Types.BOOLEAN, b.col(0), s("13")), allocator))
                .isEqualTo(list(false, false, false, null, true));
    }

    @Test
    void extractAndTrunc() {
        Batch b = Batch.column(Types.DATE, LocalDate.of(1995, 3, 15), LocalDate.of(2021, 1, 3), null,
                LocalDate.of(2020, 12, 31));
        List<Object> years = b.eval(call(Fn.EXTRACT, Types.BIGINT, s("YEAR"), b.col(0)), allocator);
        assertThat(years).isEqualTo(list(1995L, 2021L, null, 2020L));
        assertThat(b.eval(call(Fn.EXTRACT, Types.BIGINT, s("QUARTER"), b.col(0)), allocator))
                .isEqualTo(list(1L, 1L, null, 4L));
        assertThat(b.eval(call(Fn.EXTRACT, Types.BIGINT, s("MONTH"), b.col(0)), allocator))
                .isEqualTo(list(3L, 1L, null, 12L));
        assertThat(b.eval(call(Fn.EXTRACT, Types.INT, s("DAY"), b.col(0)), allocator)).isEqualTo(list(15, 3, null, 31));
        // 1995-03-15 was a Wednesday, 2021-01-03 a Sunday, 2020-12-31 a Thursday.
        assertThat(b.eval(call(Fn.EXTRACT, Types.BIGINT, s("DOW"), b.col(0)), allocator))
                .isEqualTo(list(3L, 0L, null, 4L));
        assertThat(b.eval(call(Fn.EXTRACT, Types.BIGINT, s("WEEK"), b.col(0)), allocator))
                .isEqualTo(list(11L, 53L, null, 53L));
        assertThat(b.eval(call(Fn.EXTRACT, Types.BIGINT, s("DOY"), b.col(0)), allocator))
                .isEqualTo(list(74L, 3L, null, 366L));
        assertThat(b.eval(call(Fn.DATE_TRUNC, Types.DATE, s("MONTH"), b.col(0)), allocator))
                .isEqualTo(list(LocalDate.of(1995, 3, 1), LocalDate.of(2021, 1, 1), null, LocalDate.of(2020, 12, 1)));
        assertThat(b.eval(call(Fn.DATE_TRUNC, Types.DATE, s("WEEK"), b.col(0)), allocator))
                .isEqualTo(list(LocalDate.of(1995, 3, 13), LocalDate.of(2020, 12, 28), null, LocalDate.of(2020, 12, 28)));
        assertThat(b.eval(call(Fn.DATE_TRUNC, Types.DATE, s("QUARTER"), b.col(0)), allocator)).first()
                .isEqualTo(LocalDate.of(1995, 1, 1));
        Batch t = Batch.column(Types.TIMESTAMP, LocalDateTime.of(2024, 2, 29, 13, 45, 30));
        assertThat(t.eval(call(Fn.EXTRACT, Types.BIGINT, s("HOUR"), t.col(0)), allocator)).isEqualTo(list(13L));
        assertThat(t.eval(call(Fn.EXTRACT, Types.BIGINT, s("MINUTE"), t.col(0)), allocator)).isEqualTo(list(45L));
        assertThat(t.eval(call(Fn.EXTRACT, Types.BIGINT, s("SECOND"), t.col(0)), allocator)).isEqualTo(list(30L));
        assertThat(t.eval(call(Fn.DATE_TRUNC, Types.TIMESTAMP, s("HOUR"), t.col(0)), allocator))
                .isEqualTo(list(LocalDateTime.of(2024, 2, 29, 13, 0)));
        assertThatThrownBy(() -> ExprCompiler.compile(call(Fn.EXTRACT, Types.BIGINT, s("HOUR"), b.col(0))))
                .isInstanceOf(NumbatException.class);
        // Against java.time over many days.
        Batch many = Batch.of(Types.DATE);
        for (long d = -800; d < 20000; d += 7) {
            many.row(LocalDate.ofEpochDay(d));
        }
        List<Object> dows = many.eval(call(Fn.EXTRACT, Types.BIGINT, s("DOW"), many.col(0)), allocator);
        List<Object> weeks = many.eval(call(Fn.EXTRACT, Types.BIGINT, s("WEEK"), many.col(0)), allocator);
        List<Object> doys = many.eval(call(Fn.EXTRACT, Types.BIGINT, s("DOY"), many.col(0)), allocator);
        int r = 0;
        for (long d = -800; d < 20000; d += 7, r++) {
            LocalDate ld = LocalDate.ofEpochDay(d);
            assertThat(dows.get(r)).isEqualTo((long) (ld.getDayOfWeek().getValue() % 7));
            assertThat(weeks.get(r)).isEqualTo((long) ld.get(java.time.temporal.IsoFields.WEEK_OF_WEEK_BASED_YEAR));
            assertThat(doys.get(r)).isEqualTo((long) ld.getDayOfYear());
        }
    }

    @Test
    void numbers() {
        ArrowType d = Types.decimal(10, 3);
        Batch b = Batch.of(d, Types.DOUBLE, Types.BIGINT).row(new BigDecimal("2.345"), 2.5, -7L)
                .row(new BigDecimal("-2.345"), -2.5, 15L).row(null, null, null);
        assertThat(b.eval(call(Fn.ROUND, Types.decimal(10, 2), b.col(0), lit(2L, Types.INT)), allocator))
                .isEqualTo(list(new BigDecimal("2.35"), new BigDecimal("-2.35"), null));
        assertThat(b.eval(call(Fn.ROUND, Types.decimal(10, 0), b.col(0)), allocator))
                .isEqualTo(list(new BigDecimal("2"), new BigDecimal("-2"), null));
        assertThat(b.eval(call(Fn.ROUND, Types.DOUBLE, b.col(1)), allocator)).isEqualTo(list(3.0, -3.0, null));
        assertThat(b.eval(call(Fn.ROUND, Types.BIGINT, b.col(2), lit(-1L, Types.INT)), allocator))
                .isEqualTo(list(-10L, 20L, null));
        assertThat(b.eval(call(Fn.FLOOR, Types.decimal(10, 0), b.col(0)), allocator))
                .isEqualTo(list(new BigDecimal("2"), new BigDecimal("-3"), null));
        assertThat(b.eval(call(Fn.CEIL, Types.decimal(10, 0), b.col(0)), allocator))
                .isEqualTo(list(new BigDecimal("3"), new BigDecimal("-2"), null));
        assertThat(b.eval(call(Fn.CEIL, Types.DOUBLE, b.col(1)), allocator)).isEqualTo(list(3.0, -2.0, null));
        assertThat(b.eval(call(Fn.ABS, d, b.col(0)), allocator))
                .isEqualTo(list(new BigDecimal("2.345"), new BigDecimal("2.345"), null));
        assertThat(b.eval(call(Fn.ABS, Types.BIGINT, b.col(2)), allocator)).isEqualTo(list(7L, 15L, null));
        assertThat(b.eval(call(Fn.MOD, Types.BIGINT, b.col(2), lit(4L, Types.INT)), allocator))
                .isEqualTo(list(-3L, 3L, null));
    }
}
