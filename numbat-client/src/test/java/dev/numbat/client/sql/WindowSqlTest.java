package dev.numbat.client.sql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.client.NumbatContext;
import dev.numbat.client.Row;
import dev.numbat.core.NumbatException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Window functions through {@code ctx.sql}, each query compared with DuckDB's answer over the same Parquet file
 * (rows sorted; doubles within a relative tolerance). The table has NULLs in every column, a NULL partition,
 * and ties in the order keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WindowSqlTest {
    private NumbatContext ctx;
    private Connection duck;

    @BeforeAll
    void setUp(@TempDir Path dir) throws SQLException {
        Path file = dir.resolve("t.parquet");
        duck = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = duck.createStatement()) {
            st.execute("""
                    COPY (SELECT i::INTEGER AS id,
                                 CASE WHEN i %% 11 = 0 THEN NULL ELSE 'k' || (i %% 4) END AS k,
                                 CASE WHEN i %% 7 = 0 THEN NULL ELSE ((i * 37) %% 10)::INTEGER END AS v,
                                 CASE WHEN i %% 9 = 0 THEN NULL ELSE ((i * 13) %% 17) / 4.0 END::DOUBLE AS d,
                                 CASE WHEN i %% 8 = 0 THEN NULL ELSE (((i * 29) %% 23) - 5) * 1.25 END::DECIMAL(10, 2) AS m,
                                 CASE WHEN i %% 6 = 0 THEN NULL ELSE chr(97 + ((i * 7) %% 5)::INTEGER) || 'x' END AS s,
                                 DATE '2024-01-01' + ((i * 3) %% 10)::INTEGER AS dt
                          FROM range(1, 80) r(i))
                    TO '%s' (FORMAT PARQUET)""".formatted(file));
            st.execute("CREATE VIEW t AS SELECT * FROM read_parquet('%s')".formatted(file));
        }
        ctx = NumbatContext.local(2);
        ctx.registerParquet("t", file.toString());
    }

    @AfterAll
    void tearDown() throws SQLException {
        if (ctx != null) {
            ctx.close();
        }
        if (duck != null) {
            duck.close();
        }
    }

    // ------------------------------------------------------------------ ranking

    @Test
    void rowNumberOverPartition() {
        check("select k, v, id, row_number() over (partition by k order by v, id) as rn from t");
    }

    @Test
    void rankAndDenseRankWithTies() {
        check("select k, v, id, rank() over (partition by k order by v) as r, "
                + "dense_rank() over (partition by k order by v) as dr from t");
        check("select v, id, rank() over (order by v desc nulls last) as r, "
                + "dense_rank() over (order by v nulls first) as dr, row_number() over (order by id desc) as rn from t");
    }

    @Test
    void rankingWithoutPartition() {
        check("select id, row_number() over (order by id) as rn, rank() over (order by dt) as r from t");
    }

    @Test
    void rowNumberFilteredInOuterQuery() {
        check("select * from (select k, id, v, row_number() over (partition by k order by v desc nulls last, id) "
                + "as rn from t) where rn <= 2");
    }

    // ------------------------------------------------------------------ aggregates, default frames

    @Test
    void aggregatesOverWholePartition() {
        check("select id, k, sum(v) over (partition by k) as s, count(*) over (partition by k) as c, "
                + "count(v) over (partition by k) as cv, avg(v) over (partition by k) as a, "
                + "min(v) over (partition by k) as mn, max(v) over (partition by k) as mx from t");
    }

    @Test
    void aggregatesOverWholeTable() {
        check("select id, sum(m) over () as s, count(*) over () as c, avg(d) over () as a, "
                + "max(s) over () as mx, min(dt) over () as mn from t");
    }

    @Test
    void runningAggregatesShareValueAmongPeers() {
        check("select id, k, v, sum(v) over (partition by k order by v) as s, "
                + "count(*) over (partition by k order by v) as c, count(v) over (partition by k order by v) as cv, "
                + "avg(v) over (partition by k order by v) as a, min(v) over (partition by k order by v desc nulls first) as mn, "
                + "max(v) over (partition by k order by v) as mx from t");
    }

    @Test
    void decimalDoubleDateAndStringAggregates() {
        check("select id, k, sum(m) over (partition by k order by id) as sm, avg(m) over (partition by k order by id) as am, "
                + "sum(d) over (partition by k order by id) as sd, avg(d) over (partition by k) as ad, "
                + "min(m) over (partition by k) as mnm, max(d) over (partition by k order by id) as mxd, "
                + "min(s) over (partition by k order by id) as mns, max(s) over (partition by k) as mxs, "
                + "max(dt) over (partition by k order by id) as mxdt from t");
    }

    // ------------------------------------------------------------------ ROWS frames

    @Test
    void slidingRowsFrames() {
        check("select id, k, sum(v) over (partition by k order by id rows between 2 preceding and 1 following) as s, "
                + "count(v) over (partition by k order by id rows between 2 preceding and 1 following) as c, "
                + "avg(d) over (partition by k order by id rows between 1 preceding and 1 following) as a, "
                + "min(v) over (partition by k order by id rows between 3 preceding and current row) as mn, "
                + "max(s) over (partition by k order by id rows between current row and 2 following) as mx, "
                + "sum(m) over (partition by k order by id rows between 1 following and 3 following) as sm from t");
    }

    @Test
    void unboundedRowsFrames() {
        check("select id, k, sum(v) over (partition by k order by id rows between unbounded preceding and current row) as s, "
                + "count(*) over (partition by k order by id rows between current row and unbounded following) as c, "
                + "min(m) over (partition by k order by id rows between 1 preceding and unbounded following) as mn, "
                + "max(v) over (partition by k order by v rows between unbounded preceding and unbounded following) as mx "
                + "from t");
    }

    @Test
    void rowsFramesWithPeersDifferFromRange() {
        check("select id, v, sum(v) over (order by v rows between unbounded preceding and current row) as s_rows_tie, "
                + "sum(v) over (order by v, id rows unbounded preceding) as s_rows, "
                + "sum(v) over (order by v range between unbounded preceding and current row) as s_range, "
                + "sum(v) over (order by v range between current row and unbounded following) as s_range_after "
                + "from t where v is not null and id < 40",
                // ROWS over ties depends on the order among peers: leave the first one out of the comparison
                2);
    }

    // ------------------------------------------------------------------ LAG, LEAD

    @Test
    void lagAndLead() {
        check("select id, k, v, lag(v) over (partition by k order by id) as l1, "
                + "lead(v) over (partition by k order by id) as d1, lag(v, 2) over (partition by k order by id) as l2, "
                + "lead(s, 3) over (partition by k order by id) as d3, lag(m, 1) over (partition by k order by id) as lm, "
                + "lead(dt) over (partition by k order by id) as ldt, lag(d) over (order by id) as ld from t");
    }

    @Test
    void lagAndLeadWithDefaults() {
        check("select id, k, lag(v, 1, -1) over (partition by k order by id) as l, "
                + "lead(id, 2, 0) over (partition by k order by id) as d, "
                + "lag(s, 1, 'none') over (partition by k order by id) as ls from t");
    }

    @Test
    void windowsOverAggregatesAndExpressions() {
        check("select k, sum(v) as total, rank() over (order by sum(v) desc nulls last, k nulls first) as r, "
                + "sum(sum(v)) over (order by k nulls first) as running from t group by k");
        check("select id, v + 1 as w, row_number() over (partition by v % 3 order by id) as rn from t");
    }

    @Test
    void plansAHashExchangeOnThePartitionKeys() {
        String plan = ctx.sql("select k, row_number() over (partition by k order by id) as rn, "
                + "sum(v) over (partition by k) as s, rank() over (order by v) as r from t").explain();
        assertThat(plan).contains("window").contains("hash(k)");
    }

    @Test
    void unsupportedFramesAreUserErrors() {
        assertThatThrownBy(() -> rows("select id, sum(v) over (order by v range between 2 preceding and current row) "
                + "from t")).isInstanceOf(NumbatException.class);
    }

    // ------------------------------------------------------------------ comparison

    private List<List<Object>> rows(String sql) {
        return ctx.sql(sql).collectRows().stream().map(Row::values).toList();
    }

    private void check(String sql) {
        check(sql, -1);
    }

    /** Compares Numbat's and DuckDB's rows for {@code sql}, sorted, ignoring column {@code skip} (-1: none). */
    private void check(String sql, int skip) {
        List<List<Object>> expected = duckRows(sql, skip);
        List<List<Object>> actual = new ArrayList<>();
        for (List<Object> row : rows(sql)) {
            actual.add(normalize(row, skip));
        }
        assertThat(expected).as(sql).isNotEmpty();
        assertThat(actual).as(sql).hasSize(expected.size());
        Comparator<List<Object>> order = Comparator.comparing(WindowSqlTest::sortKey);
        expected.sort(order);
        actual.sort(order);
        for (int i = 0; i < expected.size(); i++) {
            List<Object> e = expected.get(i);
            List<Object> a = actual.get(i);
            assertThat(a).as("%s%nrow %d: expected %s but was %s", sql, i, e, a).hasSize(e.size());
            for (int c = 0; c < e.size(); c++) {
                Object ev = e.get(c);
                Object av = a.get(c);
                if (ev instanceof Double ed && av instanceof Double ad) {
                    assertThat(Math.abs(ed - ad) <= 1e-9 * Math.max(1, Math.max(Math.abs(ed), Math.abs(ad))))
                            .as("%s%nrow %d column %d: expected %s but was %s (row %s)", sql, i, c, ed, ad, a)
                            .isTrue();
                } else {
                    assertThat(av).as("%s%nrow %d column %d (expected row %s, actual row %s)", sql, i, c, e, a)
                            .isEqualTo(ev);
                }
            }
        }
    }

    private List<List<Object>> duckRows(String sql, int skip) {
        try (Statement st = duck.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            List<List<Object>> out = new ArrayList<>();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int c = 1; c <= n; c++) {
                    row.add(rs.getObject(c));
                }
                out.add(normalize(row, skip));
            }
            return out;
        } catch (SQLException e) {
            throw new AssertionError("DuckDB failed on " + sql, e);
        }
    }

    /** Values in one representation: integers as Long, decimals without trailing zeros, dates as LocalDate. */
    private static List<Object> normalize(List<Object> row, int skip) {
        List<Object> out = new ArrayList<>();
        for (int c = 0; c < row.size(); c++) {
            if (c == skip) {
                continue;
            }
            Object v = row.get(c);
            if (v instanceof Integer || v instanceof Short || v instanceof Byte || v instanceof BigInteger) {
                v = ((Number) v).longValue();
            } else if (v instanceof Float f) {
                v = f.doubleValue();
            } else if (v instanceof BigDecimal d) {
                v = d.signum() == 0 ? BigDecimal.ZERO : d.stripTrailingZeros();
            } else if (v instanceof java.sql.Date d) {
                v = d.toLocalDate();
            } else if (v != null && !(v instanceof Long || v instanceof Double || v instanceof String
                    || v instanceof LocalDate)) {
                v = v.toString();
            }
            out.add(v);
        }
        return out;
    }

    /** A total order on rows for sorting both sides alike (doubles rounded so tiny differences sort the same). */
    private static String sortKey(List<Object> row) {
        StringBuilder b = new StringBuilder();
        for (Object v : row) {
            b.append(v instanceof Double d ? String.format("%.6g", d) : String.valueOf(v)).append('\u0001');
        }
        return b.toString();
    }
}
