package dev.numbat.cluster.codec;

import static dev.numbat.cluster.codec.CodecTesting.assertSameRows;
import static dev.numbat.cluster.codec.CodecTesting.roundTrip;
import static dev.numbat.cluster.codec.CodecTesting.run;
import static dev.numbat.cluster.codec.CodecTesting.userObjects;
import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.cluster.proto.OperatorProto;
import dev.numbat.cluster.proto.PartitionerProto;
import dev.numbat.cluster.proto.SourceProto;
import dev.numbat.cluster.proto.TaskGraphProto;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioners;
import dev.numbat.io.csv.CsvSource;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.io.write.FileWriters;
import dev.numbat.plan.PlanOptions;
import dev.numbat.plan.PlannerContext;
import dev.numbat.plan.catalog.Catalog;
import dev.numbat.runtime.TaskGraph;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.tools.Frameworks;
import org.apache.calcite.tools.Planner;
import org.apache.calcite.tools.RelBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proof that plans survive the trip: SQL queries over Parquet and CSV files are planned by Numbat's
 * planner, the task graphs are encoded to bytes and decoded, and the original and decoded graphs run on the
 * local runtime with the same results. Every query is planned twice: with small join sides broadcast and
 * with every join hash-partitioned.
 */
@Timeout(300)
class PlanCodecQueryTest {
    @TempDir
    static Path dir;
    static Connection duckdb;
    static final Catalog CATALOG = new Catalog();

    private static final String[][] TABLES = {
        {"nation", """
            SELECT i::INTEGER AS n_nationkey, 'NATION' || i AS n_name, (i % 5)::INTEGER AS n_regionkey
            FROM range(25) t(i)"""},
        {"customer", """
            SELECT i + 1 AS c_custkey, 'Customer#' || lpad((i + 1)::VARCHAR, 6, '0') AS c_name,
                   (i % 25)::INTEGER AS c_nationkey,
                   CASE WHEN i % 17 = 0 THEN NULL
                        ELSE CAST(((i * 7919) % 1000000) / 100.0 - 999.99 AS DECIMAL(15, 2)) END AS c_acctbal,
                   list_element(['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'HOUSEHOLD', 'MACHINERY'], (i % 5) + 1)
                       AS c_mktsegment
            FROM range(600) t(i)"""},
        {"orders", """
            SELECT i + 1 AS o_orderkey, ((i * 31) % 599) + 1 AS o_custkey,
                   list_element(['F', 'O', 'P'], (i % 3) + 1) AS o_orderstatus,
                   CAST(((i * 104729) % 50000000) / 100.0 + 1000 AS DECIMAL(15, 2)) AS o_totalprice,
                   DATE '1992-01-01' + ((i * 37) % 2400)::INTEGER AS o_orderdate,
                   list_element(['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'], (i % 5) + 1)
                       AS o_orderpriority,
                   CASE WHEN i % 11 = 0 THEN NULL ELSE (i % 2)::INTEGER END AS o_shippriority
            FROM range(3000) t(i)"""},
        {"lineitem", """
            SELECT (i // 4) + 1 AS l_orderkey, ((i * 13) % 2000) + 1 AS l_partkey,
                   ((i % 4) + 1)::INTEGER AS l_linenumber,
                   CAST(((i * 7) % 50) + 1 AS DECIMAL(15, 2)) AS l_quantity,
                   CAST(((i * 7919) % 9000000) / 100.0 + 900 AS DECIMAL(15, 2)) AS l_extendedprice,
                   CAST((i % 11) / 100.0 AS DECIMAL(15, 2)) AS l_discount,
                   CAST((i % 9) / 100.0 AS DECIMAL(15, 2)) AS l_tax,
                   list_element(['A', 'N', 'R'], ((i // 3) % 3) + 1) AS l_returnflag,
                   CASE WHEN (i // 2) % 2 = 0 THEN 'O' ELSE 'F' END AS l_linestatus,
                   DATE '1992-01-02' + ((i * 13) % 2500)::INTEGER AS l_shipdate,
                   DATE '1992-01-30' + ((i * 17) % 2500)::INTEGER AS l_commitdate,
                   DATE '1992-02-15' + ((i * 19) % 2500)::INTEGER AS l_receiptdate,
                   list_element(['AIR', 'MAIL', 'RAIL', 'SHIP', 'TRUCK', 'FOB', 'REG AIR'], (i % 7) + 1) AS l_shipmode
            FROM range(12000) t(i)"""},
        {"events_pq", """
            SELECT i AS id, CASE WHEN i % 5 = 0 THEN NULL ELSE 'ev' || (i % 13) END AS name,
                   (i % 100) / 8.0 AS amount, TIMESTAMP '2023-12-30 00:00:00' + INTERVAL (i * 37) MINUTE AS ts
            FROM range(500) t(i)"""},
    };

    /** Queries and whether their ORDER BY fixes the row order completely. */
    private static final List<Query> QUERIES = List.of(
            new Query("""
                SELECT l_returnflag, l_linestatus, SUM(l_quantity) AS sum_qty,
                       SUM(l_extendedprice * (1 - l_discount)) AS sum_disc_price,
                       SUM(l_extendedprice * (1 - l_discount) * (1 + l_tax)) AS sum_charge,
                       AVG(l_discount) AS avg_disc, COUNT(*) AS count_order
                FROM lineitem WHERE l_shipdate <= DATE '1998-12-01' - INTERVAL '90' DAY
                GROUP BY l_returnflag, l_linestatus ORDER BY l_returnflag, l_linestatus""", true),
            new Query("""
                SELECT c_name, SUM(o_totalprice) AS total FROM customer JOIN orders ON c_custkey = o_custkey
                WHERE c_mktsegment = 'BUILDING' GROUP BY c_name ORDER BY total DESC, c_name LIMIT 10""", true),
            new Query("""
                SELECT n_name, COUNT(*) AS late, SUM(l_extendedprice) AS price_sum
                FROM nation JOIN customer ON n_nationkey = c_nationkey
                JOIN orders ON c_custkey = o_custkey
                JOIN lineitem ON l_orderkey = o_orderkey AND l_shipdate > o_orderdate + INTERVAL '30' DAY
                WHERE o_orderdate >= DATE '1994-01-01' AND o_orderdate < DATE '1994-01-01' + INTERVAL '1' YEAR
                GROUP BY n_name""", false),
            new Query("""
                SELECT o_orderpriority, COUNT(*) AS n,
                       SUM(CASE WHEN o_orderstatus IN ('F', 'P') THEN 1 ELSE 0 END) AS fp
                FROM orders WHERE o_orderpriority LIKE '%URGENT%' OR o_orderpriority NOT LIKE '_-HIGH'
                GROUP BY o_orderpriority""", false),
            new Query("""
                SELECT UPPER(SUBSTRING(c_name FROM 1 FOR 5)) AS p, CHAR_LENGTH(TRIM(c_name)) AS len,
                       LOWER(c_name) || '/' || c_mktsegment AS tag, ROUND(c_acctbal, 1) AS r, ABS(c_acctbal) AS a,
                       FLOOR(c_acctbal) AS f, CEIL(c_acctbal) AS c,
                       COALESCE(NULLIF(c_mktsegment, 'BUILDING'), 'B') AS seg, POSITION('0' IN c_name) AS pos,
                       CAST(c_acctbal AS DOUBLE) / 3 AS d, c_custkey % 7 AS m, -c_custkey AS neg,
                       CAST(c_custkey AS VARCHAR) AS s, c_acctbal IS NULL AS no_bal
                FROM customer WHERE c_custkey BETWEEN 10 AND 200""", false),
            new Query("""
                SELECT EXTRACT(YEAR FROM o_orderdate) AS y, EXTRACT(MONTH FROM o_orderdate) AS m,
                       COUNT(DISTINCT o_custkey) AS customers, MIN(o_orderdate) AS first_day,
                       MAX(o_totalprice) AS maxp, COUNT(o_shippriority) AS with_priority
                FROM orders GROUP BY EXTRACT(YEAR FROM o_orderdate), EXTRACT(MONTH FROM o_orderdate)""", false),
            new Query("""
                SELECT o_custkey, o_orderkey,
                       ROW_NUMBER() OVER (PARTITION BY o_custkey ORDER BY o_orderdate, o_orderkey) AS rn,
                       RANK() OVER (PARTITION BY o_custkey ORDER BY o_orderstatus) AS rk,
                       SUM(o_totalprice) OVER (PARTITION BY o_custkey) AS total,
                       LAG(o_orderkey, 2) OVER (PARTITION BY o_custkey ORDER BY o_orderkey) AS before2,
                       AVG(o_totalprice) OVER (PARTITION BY o_custkey ORDER BY o_orderkey
                                               ROWS BETWEEN 2 PRECEDING AND CURRENT ROW) AS mov
                FROM orders WHERE o_custkey < 60""", false),
            new Query("""
                SELECT n_name, ROW_NUMBER() OVER (ORDER BY n_name) AS rn,
                       DENSE_RANK() OVER (ORDER BY n_regionkey) AS region_rank
                FROM nation""", false),
            new Query("""
                SELECT n_name AS name, n_nationkey AS k FROM nation WHERE n_regionkey = 1
                UNION ALL SELECT c_name, c_custkey FROM customer WHERE c_custkey < 20""", false),
            new Query("""
                SELECT x, y, z, w FROM (VALUES (1, 'a', DATE '2020-01-01', 1.5), (2, 'b', NULL, 2.25),
                                               (3, NULL, DATE '2021-06-30', NULL)) AS t(x, y, z, w)
                WHERE x > 1 OR y = 'a'""", false),
            new Query("""
                SELECT n_name, v.label FROM nation JOIN (VALUES (1, 'one'), (2, 'two')) AS v(k, label)
                ON n_nationkey = v.k""", false),
            new Query("""
                SELECT o_orderkey, o_orderdate FROM orders WHERE o_orderkey < 500
                ORDER BY o_orderdate DESC, o_orderkey""", true),
            new Query("""
                SELECT o_orderkey, o_totalprice FROM orders ORDER BY o_totalprice, o_orderkey
                LIMIT 300000000 OFFSET 2990""", true),
            new Query("SELECT COUNT(*) AS n FROM (SELECT l_orderkey FROM lineitem LIMIT 123)", false),
            new Query("SELECT COUNT(*) AS n FROM (SELECT o_orderkey FROM orders OFFSET 2990 ROWS)", false),
            new Query("SELECT COUNT(*) AS n FROM orders WHERE o_totalprice > (SELECT AVG(o_totalprice) FROM orders)",
                    false),
            new Query("""
                SELECT c_custkey FROM customer
                WHERE EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey AND o_orderstatus = 'F')""", false),
            new Query("""
                SELECT c_custkey, c_name FROM customer
                WHERE NOT EXISTS (SELECT 1 FROM orders WHERE o_custkey = c_custkey AND o_totalprice > 300000)""",
                    false),
            new Query("""
                SELECT c_custkey, o_orderkey FROM customer LEFT JOIN orders
                ON c_custkey = o_custkey AND o_totalprice > 400000 WHERE c_custkey < 100""", false),
            new Query("""
                SELECT n.n_nationkey, c.c_custkey
                FROM (SELECT * FROM nation WHERE n_nationkey < 10) n
                FULL JOIN (SELECT * FROM customer WHERE c_custkey < 30 AND c_nationkey > 3) c
                ON n.n_nationkey = c.c_nationkey""", false),
            new Query("""
                SELECT o.o_orderkey, n.n_name FROM (SELECT * FROM nation WHERE n_regionkey = 2) n
                RIGHT JOIN orders o ON n.n_nationkey = o.o_custkey WHERE o.o_orderkey < 50""", false),
            new Query("""
                SELECT o_custkey FROM orders WHERE o_orderstatus = 'F'
                INTERSECT SELECT c_custkey FROM customer WHERE c_mktsegment = 'MACHINERY'""", false),
            new Query("""
                SELECT c_custkey FROM customer EXCEPT SELECT o_custkey FROM orders""", false),
            new Query("""
                SELECT l_shipmode, STDDEV_SAMP(l_quantity) AS sd, VAR_POP(l_extendedprice) AS vp,
                       STDDEV_POP(l_tax) AS sp, VAR_SAMP(l_discount) AS vs, COUNT(l_quantity) AS n
                FROM lineitem GROUP BY l_shipmode""", false),
            new Query("""
                SELECT SUM(l_extendedprice * l_discount) AS revenue FROM lineitem
                WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'
                  AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24""", false),
            new Query("""
                SELECT COUNT(*) AS n FROM orders
                WHERE o_orderstatus IN ('F', 'O') AND o_orderdate BETWEEN DATE '1993-01-01' AND DATE '1993-12-31'
                  AND NOT (o_orderpriority = '5-LOW') AND o_shippriority IS NOT NULL""", false),
            new Query("""
                SELECT CAST(ts AS DATE) AS d, COUNT(*) AS n, SUM(amount) AS total, MAX(ts) AS last_ts,
                       MIN(name) AS first_name
                FROM events WHERE name IS NOT NULL GROUP BY CAST(ts AS DATE)""", false),
            new Query("""
                SELECT c_name, e.amount, e.ts FROM events e JOIN customer ON e.id = c_custkey
                WHERE e.ts > TIMESTAMP '2023-12-31 12:00:00' AND e.name LIKE 'ev1%'""", false),
            new Query("""
                SELECT EXTRACT(HOUR FROM ts) AS h, COUNT(*) AS n, AVG(amount) AS a FROM events_pq
                WHERE ts < TIMESTAMP '2024-01-05 00:00:00' OR name IS NULL GROUP BY EXTRACT(HOUR FROM ts)""", false));

    /** Semi and anti joins come from the DataFrame API's RelBuilder calls, not from SQL. */
    private static final List<Query> DATAFRAME_QUERIES = List.of(
            new Query("customers with an order (semi join)", b -> b.scan("customer").scan("orders")
                    .semiJoin(b.equals(b.field(2, 0, "c_custkey"), b.field(2, 1, "o_custkey"))).build(), false),
            new Query("customers without a big order (anti join)", b -> b.scan("customer").scan("orders")
                    .filter(b.greaterThan(b.field("o_totalprice"), b.literal(new java.math.BigDecimal("300000"))))
                    .antiJoin(b.equals(b.field(2, 0, "c_custkey"), b.field(2, 1, "o_custkey"))).build(), false));

    /** SQL text, or a RelBuilder program (then {@code sql} only names it), and whether ORDER BY fixes the order. */
    record Query(String sql, Function<RelBuilder, RelNode> builder, boolean ordered) {
        Query(String sql, boolean ordered) {
            this(sql, null, ordered);
        }

        @Override
        public String toString() {
            return sql.lines().findFirst().orElse(sql).strip() + " ...";
        }
    }

    @BeforeAll
    static void writeData() throws Exception {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = duckdb.createStatement()) {
            st.execute("SET autoinstall_known_extensions = false");
            for (String[] t : TABLES) {
                String file = dir.resolve(t[0] + ".parquet").toString();
                st.execute("COPY (" + t[1] + ") TO '" + file + "' (FORMAT PARQUET, ROW_GROUP_SIZE 1024)");
                CATALOG.register(t[0], new ParquetSource(file).withRowGroupSplitBytes(0));
            }
            String csv = dir.resolve("events.csv").toString();
            st.execute("COPY (SELECT id, name, amount, strftime(ts, '%Y-%m-%d %H:%M:%S') AS ts FROM read_parquet('"
                    + dir.resolve("events_pq.parquet") + "')) TO '" + csv + "' (HEADER, DELIMITER ',')");
            CATALOG.register("events", new CsvSource(csv));
        }
    }

    @AfterAll
    static void close() throws Exception {
        duckdb.close();
    }

    static Stream<Arguments> queries() {
        List<Arguments> out = new ArrayList<>();
        for (Query q : Stream.concat(QUERIES.stream(), DATAFRAME_QUERIES.stream()).toList()) {
            out.add(Arguments.of(q, "broadcast"));
            out.add(Arguments.of(q, "hash"));
        }
        return out.stream();
    }

    private static PlanOptions options(String joins) {
        return new PlanOptions(3, joins.equals("broadcast") ? PlanOptions.DEFAULT_BROADCAST_THRESHOLD_ROWS : 0);
    }

    /** The task graph Numbat's planner makes for {@code query} (SQL parsed as the SQL front end does). */
    static TaskGraph plan(Query query, PlanOptions options) throws Exception {
        PlannerContext context = new PlannerContext(CATALOG, options);
        if (query.builder() != null) {
            return context.compile(query.builder().apply(context.relBuilder()));
        }
        Planner planner = Frameworks.getPlanner(context.config());
        try {
            RelNode rel = planner.rel(planner.validate(planner.parse(query.sql()))).project();
            return context.compile(rel);
        } finally {
            planner.close();
        }
    }

    @ParameterizedTest(name = "{1} joins: {0}")
    @MethodSource("queries")
    void decodedGraphGivesTheSameRows(Query query, String joins) throws Exception {
        TaskGraph original = plan(query, options(joins));
        TaskGraphProto proto = PlanCodec.toProto(original);
        assertThat(userObjects(proto)).as("built-ins only, no Java serialization").isEmpty();
        assertThat(PlanCodec.userClasses(original)).isEmpty();

        TaskGraph decoded = roundTrip(original);
        // nothing of the original can leak into the decoded graph: it came from bytes
        PlanCodec.decode(proto.toByteArray(), null, false);

        List<List<Object>> expected = run(original);
        List<List<Object>> actual = run(decoded);
        assertThat(expected).as("the query returns rows").isNotEmpty();
        assertSameRows(actual, expected, query.ordered());
    }

    /** The queries exercise every kind of node and edge the planner makes. */
    @Test
    void plannerGraphsCoverEveryBuiltInKind() throws Exception {
        Set<String> seen = new HashSet<>();
        for (String joins : List.of("broadcast", "hash")) {
            for (Query q : Stream.concat(QUERIES.stream(), DATAFRAME_QUERIES.stream()).toList()) {
                CodecTesting.visit(PlanCodec.toProto(plan(q, options(joins))), m -> {
                    if (m instanceof OperatorProto op) {
                        seen.add("operator " + op.getKindCase());
                        if (op.hasHashAggregate()) {
                            seen.add("aggregate " + op.getHashAggregate().getMode());
                        }
                        if (op.hasHashJoin()) {
                            seen.add("join " + op.getHashJoin().getType());
                            seen.add("join filter " + op.getHashJoin().getFilterCase());
                        }
                    } else if (m instanceof SourceProto s) {
                        seen.add("source " + s.getKindCase());
                        if (s.hasParquet() && s.getParquet().hasFilter()) {
                            seen.add("parquet filter");
                        }
                        if (s.hasParquet() && s.getParquet().hasColumns()) {
                            seen.add("parquet columns");
                        }
                    } else if (m instanceof PartitionerProto p) {
                        seen.add("partitioner " + p.getKindCase());
                    }
                });
            }
        }
        assertThat(seen).contains("operator FILTER_PROJECT", "operator HASH_AGGREGATE", "operator HASH_JOIN",
                "operator SORT", "operator TOP_K", "operator LIMIT", "operator UNION_ALL", "operator WINDOW",
                "aggregate PARTIAL", "aggregate FINAL", "aggregate SINGLE", "join INNER", "join LEFT", "join FULL",
                "join SEMI", "join ANTI", "join filter RESIDUAL", "source PARQUET", "source CSV", "source VALUES",
                "parquet filter", "parquet columns", "partitioner HASH", "partitioner BROADCAST",
                "partitioner SINGLE", "partitioner FORWARD");
    }

    /** The file writers of a decoded graph write every row. */
    @Test
    void decodedWritersWriteEveryRow() throws Exception {
        for (String format : List.of("parquet", "csv", "arrow")) {
            Path out = dir.resolve("out-" + format);
            OperatorFactory writer = switch (format) {
                case "parquet" -> FileWriters.parquet(out.toString(), "w1");
                case "csv" -> FileWriters.csv(out.toString(), "w1");
                default -> FileWriters.arrow(out.toString(), "w1");
            };
            TaskGraph.Builder b = TaskGraph.builder();
            int s = b.source("scan", new ParquetSource(dir.resolve("orders.parquet").toString())
                    .withRowGroupSplitBytes(0), 2);
            int w = b.operator("write", writer, 2);
            TaskGraph decoded = roundTrip(b.connect(s, w, Partitioners.forward()).output(w).build());

            List<List<Object>> written = run(decoded);
            assertThat(written).as(format).hasSize(2);
            assertThat(written.stream().mapToLong(r -> (Long) r.get(1)).sum()).as(format).isEqualTo(3000);
            try (var files = Files.list(out)) {
                assertThat(files.filter(f -> f.getFileName().toString().startsWith("part-")).count()).isEqualTo(2);
            }
            if (!format.equals("arrow")) {
                String read = format.equals("csv") ? "read_csv_auto" : "read_parquet";
                try (Statement st = duckdb.createStatement();
                        ResultSet rs = st.executeQuery("SELECT COUNT(*), SUM(o_orderkey) FROM " + read + "('"
                                + out.resolve("part-*") + "')")) {
                    rs.next();
                    assertThat(rs.getLong(1)).isEqualTo(3000);
                    assertThat(rs.getLong(2)).isEqualTo(3000L * 3001 / 2);
                }
            }
        }
    }
}
