package dev.numbat.plan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.runtime.TaskGraph;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.fun.SqlStdOperatorTable;
import org.apache.calcite.util.DateString;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Queries built with RelBuilder, optimised, planned and run on the local runtime, against DuckDB on the same
 * Parquet files. Every query runs twice: with small join sides broadcast, and with every join
 * hash-partitioned (broadcast threshold 0).
 */
class PlannerQueryTest {
    @TempDir
    static Path dir;
    static TpchLikeData data;

    @BeforeAll
    static void setUp() throws Exception {
        data = new TpchLikeData(dir);
    }

    @AfterAll
    static void tearDown() throws Exception {
        data.close();
    }

    static Stream<PlanOptions> options() {
        return Stream.of(new PlanOptions(3, PlanOptions.DEFAULT_BROADCAST_THRESHOLD_ROWS), new PlanOptions(3, 0));
    }

    private static RexNode date(RelBuilder b, String iso) {
        return b.getRexBuilder().makeDateLiteral(new DateString(iso));
    }

    private static RexNode dec(RelBuilder b, String value) {
        return b.literal(new BigDecimal(value));
    }

    private static RexNode times(RelBuilder b, RexNode x, RexNode y) {
        return b.call(SqlStdOperatorTable.MULTIPLY, x, y);
    }

    private static RexNode minus(RelBuilder b, RexNode x, RexNode y) {
        return b.call(SqlStdOperatorTable.MINUS, x, y);
    }

    private static RexNode plus(RelBuilder b, RexNode x, RexNode y) {
        return b.call(SqlStdOperatorTable.PLUS, x, y);
    }

    private void check(PlanOptions options, Function<RelBuilder, RelNode> query, String sql, boolean ordered)
            throws Exception {
        PlannerContext planner = new PlannerContext(data.catalog, options);
        RelNode rel = query.apply(planner.relBuilder());
        TaskGraph graph = planner.compile(rel);
        if (System.getenv("NUMBAT_PLAN_DEBUG") != null) {
            System.err.println(planner.explain(rel));
        }
        List<List<Object>> actual;
        try {
            actual = QueryAssert.run(graph);
        } catch (RuntimeException e) {
            throw new AssertionError("query failed; plan:\n" + planner.explain(rel), e);
        }
        try {
            QueryAssert.assertSameRows(actual, data.query(sql), ordered);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\nplan:\n" + planner.explain(rel), e);
        }
    }

    @ParameterizedTest
    @MethodSource("options")
    void q1PricingSummary(PlanOptions options) throws Exception {
        check(options, b -> {
            b.scan("lineitem");
            // 1998-12-01 - 90 days, folded to a constant by the optimiser
            RexNode cutoff = b.call(SqlStdOperatorTable.DATETIME_PLUS, date(b, "1998-12-01"),
                    b.getRexBuilder().makeIntervalLiteral(new BigDecimal(-90L * 86_400_000L),
                            new org.apache.calcite.sql.SqlIntervalQualifier(
                                    org.apache.calcite.avatica.util.TimeUnit.DAY, null,
                                    org.apache.calcite.sql.parser.SqlParserPos.ZERO)));
            b.filter(b.lessThanOrEqual(b.field("l_shipdate"), cutoff));
            RexNode discPrice = times(b, b.field("l_extendedprice"), minus(b, b.literal(1), b.field("l_discount")));
            RexNode charge = times(b, discPrice, plus(b, b.literal(1), b.field("l_tax")));
            return b.aggregate(b.groupKey("l_returnflag", "l_linestatus"),
                            b.sum(false, "sum_qty", b.field("l_quantity")),
                            b.sum(false, "sum_base_price", b.field("l_extendedprice")),
                            b.sum(false, "sum_disc_price", discPrice),
                            b.sum(false, "sum_charge", charge),
                            b.avg(false, "avg_qty", b.field("l_quantity")),
                            b.avg(false, "avg_price", b.field("l_extendedprice")),
                            b.avg(false, "avg_disc", b.field("l_discount")),
                            b.countStar("count_order"))
                    .sort(b.field("l_returnflag"), b.field("l_linestatus"))
                    .build();
        }, """
            SELECT l_returnflag, l_linestatus, sum(l_quantity), sum(l_extendedprice),
                   sum(l_extendedprice * (1 - l_discount)), sum(l_extendedprice * (1 - l_discount) * (1 + l_tax)),
                   avg(l_quantity), avg(l_extendedprice), avg(l_discount), count(*)
            FROM lineitem WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL 90 DAY
            GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus""", true);
    }

    @ParameterizedTest
    @MethodSource("options")
    void q3ShippingPriority(PlanOptions options) throws Exception {
        check(options, b -> {
            b.scan("customer").scan("orders")
                    .join(JoinRelType.INNER, b.equals(b.field(2, 0, "c_custkey"), b.field(2, 1, "o_custkey")))
                    .scan("lineitem")
                    .join(JoinRelType.INNER, b.equals(b.field(2, 0, "o_orderkey"), b.field(2, 1, "l_orderkey")))
                    .filter(b.equals(b.field("c_mktsegment"), b.literal("BUILDING")),
                            b.lessThan(b.field("o_orderdate"), date(b, "1995-03-15")),
                            b.greaterThan(b.field("l_shipdate"), date(b, "1995-03-15")));
            RexNode revenue = times(b, b.field("l_extendedprice"), minus(b, b.literal(1), b.field("l_discount")));
            return b.aggregate(b.groupKey("l_orderkey", "o_orderdate", "o_shippriority"),
                            b.sum(false, "revenue", revenue))
                    .project(b.field("l_orderkey"), b.field("revenue"), b.field("o_orderdate"),
                            b.field("o_shippriority"))
                    .sortLimit(0, 10, b.desc(b.field("revenue")), b.field("o_orderdate"), b.field("l_orderkey"))
                    .build();
        }, """
            SELECT l_orderkey, sum(l_extendedprice * (1 - l_discount)) AS revenue, o_orderdate, o_shippriority
            FROM customer, orders, lineitem
            WHERE c_mktsegment = 'BUILDING' AND c_custkey = o_custkey AND l_orderkey = o_orderkey
              AND o_orderdate < DATE '1995-03-15' AND l_shipdate > DATE '1995-03-15'
            GROUP BY l_orderkey, o_orderdate, o_shippriority
            ORDER BY revenue DESC, o_orderdate, l_orderkey LIMIT 10""", true);
    }

    @ParameterizedTest
    @MethodSource("options")
    void q6ForecastRevenueChange(PlanOptions options) throws Exception {
        check(options, b -> b.scan("lineitem")
                .filter(b.greaterThanOrEqual(b.field("l_shipdate"), date(b, "1994-01-01")),
                        b.lessThan(b.field("l_shipdate"), date(b, "1995-01-01")),
                        b.between(b.field("l_discount"), dec(b, "0.05"), dec(b, "0.07")),
                        b.lessThan(b.field("l_quantity"), b.literal(24)))
                .aggregate(b.groupKey(), b.sum(false, "revenue",
                        times(b, b.field("l_extendedprice"), b.field("l_discount"))))
                .build(), """
            SELECT sum(l_extendedprice * l_discount) FROM lineitem
            WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'
              AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24""", true);
    }

    @ParameterizedTest
    @MethodSource("options")
    void groupByWithManyAggregates(PlanOptions options) throws Exception {
        check(options, b -> b.scan("orders")
                .filter(b.or(b.equals(b.field("o_orderpriority"), b.literal("1-URGENT")),
                        b.equals(b.field("o_orderpriority"), b.literal("2-HIGH")),
                        b.equals(b.field("o_orderpriority"), b.literal("5-LOW"))))
                .aggregate(b.groupKey("o_orderstatus", "o_orderpriority"),
                        b.countStar("n"),
                        b.count(true, "customers", b.field("o_custkey")),
                        b.min("first_date", b.field("o_orderdate")),
                        b.max("last_date", b.field("o_orderdate")),
                        b.sum(false, "total", b.field("o_totalprice")),
                        b.sum(false, "ship", b.field("o_shippriority")),
                        b.avg(false, "avg_ship", b.field("o_shippriority")),
                        b.max("max_total", b.field("o_totalprice")))
                .build(), """
            SELECT o_orderstatus, o_orderpriority, count(*), count(DISTINCT o_custkey), min(o_orderdate),
                   max(o_orderdate), sum(o_totalprice), sum(o_shippriority), avg(o_shippriority), max(o_totalprice)
            FROM orders WHERE o_orderpriority IN ('1-URGENT', '2-HIGH', '5-LOW')
            GROUP BY o_orderstatus, o_orderpriority""", false);
    }

    @ParameterizedTest
    @MethodSource("options")
    void leftJoinCountsOrdersPerCustomer(PlanOptions options) throws Exception {
        check(options, b -> b.scan("customer")
                .scan("orders")
                .join(JoinRelType.LEFT, b.and(
                        b.equals(b.field(2, 0, "c_custkey"), b.field(2, 1, "o_custkey")),
                        b.greaterThan(b.field(2, 1, "o_totalprice"), b.field(2, 0, "c_acctbal")),
                        b.lessThan(b.field(2, 1, "o_orderdate"), date(b, "1993-01-01"))))
                .aggregate(b.groupKey("c_custkey", "c_name"), b.count(false, "orders", b.field("o_orderkey")))
                .build(), """
            SELECT c_custkey, c_name, count(o_orderkey) FROM customer LEFT JOIN orders
              ON c_custkey = o_custkey AND o_totalprice > c_acctbal AND o_orderdate < DATE '1993-01-01'
            GROUP BY c_custkey, c_name""", false);
    }

    @ParameterizedTest
    @MethodSource("options")
    void semiAndAntiJoins(PlanOptions options) throws Exception {
        check(options, b -> {
            b.scan("orders").scan("lineitem").filter(b.greaterThan(b.field("l_quantity"), b.literal(45)));
            b.semiJoin(b.equals(b.field(2, 0, "o_orderkey"), b.field(2, 1, "l_orderkey")));
            b.scan("customer").filter(b.equals(b.field("c_mktsegment"), b.literal("MACHINERY")));
            b.antiJoin(b.equals(b.field(2, 0, "o_custkey"), b.field(2, 1, "c_custkey")));
            return b.project(b.field("o_orderkey"), b.field("o_custkey"), b.field("o_orderdate")).build();
        }, """
            SELECT o_orderkey, o_custkey, o_orderdate FROM orders
            WHERE EXISTS (SELECT 1 FROM lineitem WHERE l_orderkey = o_orderkey AND l_quantity > 45)
              AND NOT EXISTS (SELECT 1 FROM customer WHERE c_custkey = o_custkey AND c_mktsegment = 'MACHINERY')""",
                false);
    }

    @ParameterizedTest
    @MethodSource("options")
    void fourWayJoinWithRightJoinAndCase(PlanOptions options) throws Exception {
        check(options, b -> {
            b.scan("orders").filter(b.lessThan(b.field("o_orderdate"), date(b, "1993-06-01")))
                    .scan("customer")
                    .join(JoinRelType.RIGHT, b.equals(b.field(2, 0, "o_custkey"), b.field(2, 1, "c_custkey")))
                    .scan("nation")
                    .join(JoinRelType.INNER, b.equals(b.field(2, 0, "c_nationkey"), b.field(2, 1, "n_nationkey")));
            RexNode size = b.call(SqlStdOperatorTable.CASE,
                    b.isNull(b.field("o_orderkey")), b.literal("none"),
                    b.lessThan(b.field("o_totalprice"), b.literal(100000)), b.literal("small"),
                    b.literal("large"));
            return b.aggregate(b.groupKey(b.field("n_name"), b.alias(size, "size")), b.countStar("n"))
                    .build();
        }, """
            SELECT n_name, CASE WHEN o_orderkey IS NULL THEN 'none' WHEN o_totalprice < 100000 THEN 'small'
                                ELSE 'large' END AS size, count(*)
            FROM (SELECT * FROM orders WHERE o_orderdate < DATE '1993-06-01') o
                 RIGHT JOIN customer ON o_custkey = c_custkey JOIN nation ON c_nationkey = n_nationkey
            GROUP BY 1, 2""", false);
    }

    @ParameterizedTest
    @MethodSource("options")
    void unionAllSortAndLimit(PlanOptions options) throws Exception {
        check(options, b -> b.scan("customer")
                .filter(b.lessThan(b.field("c_custkey"), b.literal(40)))
                .project(b.field("c_custkey"), b.field("c_name"))
                .scan("orders")
                .filter(b.lessThan(b.field("o_orderkey"), b.literal(30)))
                .project(b.field("o_custkey"), b.field("o_orderstatus"))
                .union(true)
                .sortLimit(5, 20, b.desc(b.field(0)), b.field(1))
                .build(), """
            SELECT * FROM (SELECT c_custkey, c_name FROM customer WHERE c_custkey < 40
                           UNION ALL SELECT o_custkey, o_orderstatus FROM orders WHERE o_orderkey < 30)
            ORDER BY 1 DESC, 2 OFFSET 5 LIMIT 20""", true);
    }

    @ParameterizedTest
    @MethodSource("options")
    void fullSortAndPlainLimit(PlanOptions options) throws Exception {
        check(options, b -> b.scan("lineitem")
                .filter(b.call(SqlStdOperatorTable.LIKE, b.field("l_shipmode"), b.literal("%AIR")))
                .project(b.field("l_orderkey"), b.field("l_linenumber"), b.field("l_shipmode"),
                        b.call(SqlStdOperatorTable.EXTRACT, b.literal(org.apache.calcite.avatica.util.TimeUnitRange.YEAR),
                                b.field("l_shipdate")))
                .sort(b.desc(b.field(0)), b.field(1))
                .build(), """
            SELECT l_orderkey, l_linenumber, l_shipmode, extract(year FROM l_shipdate) FROM lineitem
            WHERE l_shipmode LIKE '%AIR' ORDER BY 1 DESC, 2""", true);
        PlannerContext planner = new PlannerContext(data.catalog, options);
        RelBuilder b = planner.relBuilder();
        RelNode limited = b.scan("nation").limit(0, 7).build();
        assertThat(QueryAssert.run(planner.compile(limited))).hasSize(7);
    }

    @ParameterizedTest
    @MethodSource("options")
    void fullJoin(PlanOptions options) throws Exception {
        check(options, b -> b.scan("nation").filter(b.lessThan(b.field("n_nationkey"), b.literal(20)))
                .scan("customer").filter(b.lessThan(b.field("c_custkey"), b.literal(60)))
                .join(JoinRelType.FULL, b.equals(b.field(2, 0, "n_nationkey"), b.field(2, 1, "c_nationkey")))
                .project(b.field("n_name"), b.field("c_custkey"))
                .build(), """
            SELECT n_name, c_custkey
            FROM (SELECT * FROM nation WHERE n_nationkey < 20) n
                 FULL JOIN (SELECT * FROM customer WHERE c_custkey < 60) c ON n_nationkey = c_nationkey""", false);
    }

    @ParameterizedTest
    @MethodSource("options")
    void selfJoinWithRepeatedColumnNames(PlanOptions options) throws Exception {
        // both sides have n_name, n_regionkey...: hash exchanges need the renamed (unique) columns
        check(options, b -> b.scan("nation").scan("nation")
                .join(JoinRelType.INNER, b.equals(b.field(2, 0, "n_regionkey"), b.field(2, 1, "n_regionkey")))
                .aggregate(b.groupKey(b.field(4)), b.countStar("n"), b.min("first", b.field(1)))
                .build(), """
            SELECT b.n_name, count(*), min(a.n_name) FROM nation a JOIN nation b ON a.n_regionkey = b.n_regionkey
            GROUP BY b.n_name""", false);
    }

    @ParameterizedTest
    @MethodSource("options")
    void globalAggregatesOverNothing(PlanOptions options) throws Exception {
        check(options, b -> b.scan("lineitem").filter(b.lessThan(b.field("l_quantity"), b.literal(0)))
                .aggregate(b.groupKey(), b.countStar("n"), b.sum(false, "s", b.field("l_extendedprice")))
                .build(), "SELECT count(*), sum(l_extendedprice) FROM lineitem WHERE l_quantity < 0", true);
        check(options, b -> b.scan("lineitem").filter(b.literal(false))
                .aggregate(b.groupKey(), b.countStar("n"), b.max("m", b.field("l_shipdate")))
                .build(), "SELECT count(*), max(l_shipdate) FROM lineitem WHERE false", true);
    }

    @ParameterizedTest
    @MethodSource("options")
    void valuesJoinedToATable(PlanOptions options) throws Exception {
        check(options, b -> b.values(new String[] {"code", "label"}, 1, "one", 3, "three", 5, "five")
                .scan("nation")
                .join(JoinRelType.INNER, b.equals(b.field(2, 0, "code"), b.field(2, 1, "n_nationkey")))
                .project(b.field("label"), b.field("n_name"))
                .build(), """
            SELECT label, n_name FROM (VALUES (1, 'one'), (3, 'three'), (5, 'five')) v(code, label)
            JOIN nation ON code = n_nationkey""", false);
    }

    @Test
    void explainShowsPushDownAndExchanges() {
        PlannerContext planner = new PlannerContext(data.catalog, new PlanOptions(3, 0));
        RelBuilder b = planner.relBuilder();
        RelNode q = b.scan("orders").scan("lineitem")
                .join(JoinRelType.INNER, b.equals(b.field(2, 0, "o_orderkey"), b.field(2, 1, "l_orderkey")))
                .filter(b.greaterThan(b.field("l_shipdate"), date(b, "1998-01-01")))
                .aggregate(b.groupKey("o_orderpriority"), b.countStar("n"))
                .sort(b.field(0))
                .build();
        String explain = planner.explain(q);
        assertThat(explain)
                .contains("== Logical plan (optimised) ==", "LogicalJoin", "== Task graph ==")
                .contains("scan lineitem", "scan orders", "hash join inner", "aggregate partial", "aggregate final",
                        "sort")
                .contains("hash(l_orderkey)", "hash(o_orderkey)", "(whole input first)")
                .contains("row groups where l_shipdate > '1998-01-01'");
        // projection push-down: the lineitem scan reads two columns
        assertThat(explain).doesNotContain("l_comment");
    }
}
