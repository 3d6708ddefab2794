package dev.numbat.plan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.numbat.io.csv.CsvOptions;
import dev.numbat.io.csv.CsvSource;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.plan.catalog.ColumnStats;
import dev.numbat.plan.catalog.SourceTable;
import dev.numbat.plan.catalog.TableStats;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import org.apache.calcite.avatica.util.TimeUnit;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlIntervalQualifier;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.sql.parser.SqlParserPos;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.DateString;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Table statistics from Parquet footers and CSV samples, and the estimates the optimiser makes from them. */
class TableStatsTest {
    @TempDir
    static Path dir;
    static TpchLikeData data;

    @BeforeAll
    static void setUp() throws Exception {
        data = new TpchLikeData(dir);
        try (Statement st = data.duckdb.createStatement()) {
            st.execute("COPY (SELECT i AS id, CASE WHEN i % 4 = 0 THEN NULL ELSE i * 10 END AS x,"
                    + " CASE WHEN i % 10 = 0 THEN NULL ELSE 'k' || lpad((i % 50)::VARCHAR, 2, '0') END AS s,"
                    + " CAST(i / 8.0 - 20 AS DECIMAL(12, 3)) AS d, DATE '2000-01-01' + (i % 366)::INTEGER AS day"
                    + " FROM range(1000) t(i)) TO '" + dir.resolve("nulls.parquet")
                    + "' (FORMAT PARQUET, ROW_GROUP_SIZE 256)");
            st.execute("COPY (SELECT i AS id, (i % 7)::INTEGER AS k, 'name ' || i AS name,"
                    + " DATE '1995-01-01' + (i % 100)::INTEGER AS day FROM range(200000) t(i)) TO '"
                    + dir.resolve("big.csv") + "' (HEADER, DELIMITER ',')");
            st.execute("COPY (SELECT i AS id, CASE WHEN i % 5 = 0 THEN NULL ELSE i END AS v FROM range(100) t(i))"
                    + " TO '" + dir.resolve("small.csv") + "' (HEADER, DELIMITER ',')");
        }
        data.catalog.register("nulls", new ParquetSource(dir.resolve("nulls.parquet").toString()));
    }

    @AfterAll
    static void tearDown() throws Exception {
        data.close();
    }

    private static RexNode date(RelBuilder b, String iso) {
        return b.getRexBuilder().makeDateLiteral(new DateString(iso));
    }

    private static double days(String iso) {
        return LocalDate.parse(iso).toEpochDay();
    }

    @Test
    void parquetFootersGiveRowCountsRangesAndNullCounts() {
        TableStats stats = data.catalog.table("nulls").stats();
        assertThat(stats.rowCount()).isEqualTo(1000);
        assertThat(stats.exact()).isTrue();
        ColumnStats id = stats.column("id");
        assertThat(id.min()).isEqualTo(0.0);
        assertThat(id.max()).isEqualTo(999.0);
        assertThat(id.nullCount()).isEqualTo(0);
        assertThat(id.distinctCount()).isEqualTo(1000); // dense integers: max - min + 1 == rows
        ColumnStats x = stats.column("x");
        assertThat(x.min()).isEqualTo(10.0);
        assertThat(x.max()).isEqualTo(9990.0);
        assertThat(x.nullCount()).isEqualTo(250);
        ColumnStats s = stats.column("s");
        assertThat(s.min()).isNull();
        assertThat(s.minString()).isEqualTo("k01");
        assertThat(s.maxString()).isEqualTo("k49");
        assertThat(s.nullCount()).isEqualTo(100);
        ColumnStats d = stats.column("d");
        assertThat(d.min()).isEqualTo(-20.0);
        assertThat(d.max()).isCloseTo(999 / 8.0 - 20, within(1e-9));
        ColumnStats day = stats.column("day");
        assertThat(day.min()).isEqualTo(days("2000-01-01"));
        assertThat(day.max()).isEqualTo(days("2000-01-01") + 365);
        assertThat(day.distinctCount()).isEqualTo(366);

        ColumnStats shipdate = data.catalog.table("lineitem").columnStats("l_shipdate");
        assertThat(shipdate.min()).isEqualTo(days("1992-01-02"));
        assertThat(shipdate.max()).isEqualTo(days("1992-01-02") + 2499);
        assertThat(data.catalog.table("nation").columnStats("n_regionkey").distinctCount()).isEqualTo(5);
    }

    @Test
    void csvStatisticsComeFromASample() {
        SourceTable big = data.catalog.register("big_csv", new CsvSource(dir.resolve("big.csv").toString(),
                CsvOptions.defaults()));
        TableStats stats = big.stats();
        assertThat(stats.exact()).isFalse();
        assertThat(stats.rowCount()).isBetween(180_000.0, 220_000.0);
        assertThat(big.rowCount()).isEqualTo(stats.rowCount());
        assertThat(stats.column("k").min()).isEqualTo(0.0);
        assertThat(stats.column("k").max()).isEqualTo(6.0);
        assertThat(stats.column("k").distinctCount()).isEqualTo(7);
        assertThat(stats.column("id").distinctCount()).isEqualTo(stats.rowCount()); // all distinct so far
        assertThat(stats.column("day").min()).isEqualTo(days("1995-01-01"));

        SourceTable small = data.catalog.register("small_csv", new CsvSource(dir.resolve("small.csv").toString(),
                CsvOptions.defaults()));
        assertThat(small.stats().exact()).isTrue();
        assertThat(small.rowCount()).isEqualTo(100);
        assertThat(small.columnStats("v").nullCount()).isEqualTo(20);
    }

    private static double estimatedRows(RelNode logical) {
        PlannerContext planner = new PlannerContext(data.catalog, new PlanOptions(3, 0));
        RelNode optimized = planner.optimize(logical);
        return optimized.getCluster().getMetadataQuery().getRowCount(optimized);
    }

    private static long count(String sql) throws Exception {
        try (Statement st = data.duckdb.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void dateRangeSelectivityIsNearTheTrueFraction() throws Exception {
        RelBuilder b = new PlannerContext(data.catalog).relBuilder();
        RelNode q = b.scan("lineitem")
                .filter(b.greaterThanOrEqual(b.field("l_shipdate"), date(b, "1994-01-01")),
                        b.lessThan(b.field("l_shipdate"), date(b, "1995-01-01")))
                .project(b.field("l_orderkey"), b.field("l_shipdate"))
                .build();
        double estimate = estimatedRows(q);
        long actual = count("SELECT count(*) FROM lineitem"
                + " WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'");
        assertThat(estimate / actual).isBetween(0.5, 2.0);
        assertThat(estimate).isCloseTo(actual, within(actual * 0.1));

        // the bounds as TPC-H writes them: DATE '1994-01-01' + INTERVAL '1' YEAR
        b = new PlannerContext(data.catalog).relBuilder();
        RexNode yearLater = b.call(SqlStdOperatorTable.DATETIME_PLUS, date(b, "1994-01-01"),
                b.getRexBuilder().makeIntervalLiteral(BigDecimal.valueOf(12),
                        new SqlIntervalQualifier(TimeUnit.YEAR, null, SqlParserPos.ZERO)));
        q = b.scan("lineitem")
                .filter(b.greaterThanOrEqual(b.field("l_shipdate"), date(b, "1994-01-01")),
                        b.lessThan(b.field("l_shipdate"), yearLater))
                .build();
        assertThat(estimatedRows(q)).isCloseTo(actual, within(actual * 0.1));

        // through a projection that renames and reorders, with a single-sided bound
        b = new PlannerContext(data.catalog).relBuilder();
        q = b.scan("lineitem")
                .project(b.alias(b.field("l_shipdate"), "shipped"), b.field("l_quantity"))
                .filter(b.greaterThan(b.field("shipped"), date(b, "1998-01-01")))
                .build();
        estimate = estimatedRows(q);
        actual = count("SELECT count(*) FROM lineitem WHERE l_shipdate > DATE '1998-01-01'");
        assertThat(estimate / actual).isBetween(0.5, 2.0);
    }

    @Test
    void nullTestsUseNullCounts() throws Exception {
        RelBuilder b = new PlannerContext(data.catalog).relBuilder();
        double isNull = estimatedRows(b.scan("nulls").filter(b.isNull(b.field("x"))).build());
        assertThat(isNull).isCloseTo(250, within(1.0));
        b = new PlannerContext(data.catalog).relBuilder();
        double notNull = estimatedRows(b.scan("nulls").filter(b.isNotNull(b.field("s"))).build());
        assertThat(notNull).isCloseTo(900, within(1.0));
        b = new PlannerContext(data.catalog).relBuilder();
        double eitherNull = estimatedRows(b.scan("nulls")
                .filter(b.or(b.isNull(b.field("x")), b.isNull(b.field("s")))).build());
        assertThat(eitherNull).isCloseTo(1000 * (0.25 + 0.1 - 0.025), within(1.0));
        b = new PlannerContext(data.catalog).relBuilder();
        double equal = estimatedRows(b.scan("nulls").filter(b.equals(b.field("id"), b.literal(17))).build());
        assertThat(equal).isCloseTo(1, within(0.01));
    }

    private static String joinPlan(boolean filterCustomers) {
        PlannerContext planner = new PlannerContext(data.catalog, new PlanOptions(3, 100));
        RelBuilder b = planner.relBuilder();
        b.scan("orders").scan("customer");
        if (filterCustomers) {
            b.filter(b.lessThanOrEqual(b.field("c_custkey"), b.literal(50)));
        }
        RelNode q = b.join(JoinRelType.INNER, b.equals(b.field(2, 0, "o_custkey"), b.field(2, 1, "c_custkey")))
                .aggregate(b.groupKey("c_mktsegment"), b.countStar("n"))
                .build();
        return planner.explain(q);
    }

    @Test
    void aFilteredDimensionBecomesSmallEnoughToBroadcast() {
        // 600 customers (over the threshold of 100): both sides hash-partitioned
        assertThat(joinPlan(false)).contains("hash join inner").doesNotContain("broadcast build");
        // c_custkey <= 50 keeps 50 of them by the key's range (Calcite's guess would keep 300)
        assertThat(joinPlan(true)).contains("hash join inner (broadcast build)");
    }
}
