package dev.numbat.bench.datagen;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.bench.tpch.TpchTables;
import dev.numbat.client.NumbatContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Generates TPC-H sf 0.01 as Parquet and CSV with Numbat jobs and checks the files with DuckDB. */
class TpchDatagenTest {
    static final Map<String, Long> SF001_ROWS = new LinkedHashMap<>();

    static {
        SF001_ROWS.put("region", 5L);
        SF001_ROWS.put("nation", 25L);
        SF001_ROWS.put("supplier", 100L);
        SF001_ROWS.put("customer", 1_500L);
        SF001_ROWS.put("part", 2_000L);
        SF001_ROWS.put("partsupp", 8_000L);
        SF001_ROWS.put("orders", 15_000L);
        SF001_ROWS.put("lineitem", 60_175L);
    }

    @TempDir
    static Path dir;

    @BeforeAll
    static void generate() {
        try (NumbatContext ctx = NumbatContext.local()) {
            List<TpchDatagen.TableResult> parquet = TpchDatagen.generate(ctx, 0.01, TpchDatagen.Format.PARQUET,
                    dir.resolve("parquet"), List.of(), r -> { });
            assertThat(parquet).extracting(TpchDatagen.TableResult::rows)
                    .containsExactlyElementsOf(SF001_ROWS.values());
            TpchDatagen.generate(ctx, 0.01, TpchDatagen.Format.CSV, dir.resolve("csv"), List.of(), r -> { });
        }
    }

    @Test
    void everyTableHasTheSpecifiedRowCountInBothFormats() throws Exception {
        assertThat(TpchDatagen.exists(dir.resolve("parquet"))).isTrue();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
            for (var e : SF001_ROWS.entrySet()) {
                assertThat(count(st, "read_parquet('%s/%s/*.parquet')".formatted(dir.resolve("parquet"), e.getKey())))
                        .as(e.getKey()).isEqualTo(e.getValue());
                assertThat(count(st, "read_csv('%s/%s/*.csv', header = true)".formatted(dir.resolve("csv"), e.getKey())))
                        .as(e.getKey()).isEqualTo(e.getValue());
            }
        }
    }

    @Test
    void parquetColumnsHaveTheSpecificationsTypes() throws Exception {
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
            Map<String, String> types = new LinkedHashMap<>();
            ResultSet rs = st.executeQuery("DESCRIBE SELECT * FROM read_parquet('%s/lineitem/*.parquet')"
                    .formatted(dir.resolve("parquet")));
            while (rs.next()) {
                types.put(rs.getString(1), rs.getString(2));
            }
            assertThat(types).containsEntry("l_orderkey", "BIGINT").containsEntry("l_partkey", "BIGINT")
                    .containsEntry("l_linenumber", "INTEGER")
                    .containsEntry("l_quantity", "DECIMAL(15,2)").containsEntry("l_extendedprice", "DECIMAL(15,2)")
                    .containsEntry("l_discount", "DECIMAL(15,2)").containsEntry("l_shipdate", "DATE")
                    .containsEntry("l_comment", "VARCHAR");
            assertThat(types.keySet()).containsExactlyElementsOf(
                    TpchTables.schema("lineitem").getFields().stream().map(f -> f.getName()).toList());
        }
    }

    /** TPC-H Q1 by DuckDB over the generated Parquet and CSV equals the published sf 0.01 answer. */
    @Test
    void duckDbAnswersQ1OverTheFilesLikeTheReferenceResult() throws Exception {
        String q1 = """
                SELECT l_returnflag, l_linestatus, sum(l_quantity), sum(l_extendedprice),
                       sum(l_extendedprice * (1 - l_discount)), count(*)
                FROM %s WHERE l_shipdate <= DATE '1998-09-02'
                GROUP BY 1, 2 ORDER BY 1, 2""";
        List<String> fromParquet = query(q1.formatted("read_parquet('%s/lineitem/*.parquet')".formatted(dir.resolve("parquet"))));
        List<String> fromCsv = query(q1.formatted(
                "read_csv('%s/lineitem/*.csv', header = true, types = {'l_quantity': 'DECIMAL(15,2)', "
                        .formatted(dir.resolve("csv"))
                        + "'l_extendedprice': 'DECIMAL(15,2)', 'l_discount': 'DECIMAL(15,2)'})"));
        // First group of the published sf 0.01 answer (io.trino.tpch's queries/q1.result).
        assertThat(fromParquet.get(0)).isEqualTo("A|F|380456.00|532348211.65|505822441.4861|14876");
        assertThat(fromParquet).hasSize(4);
        assertThat(fromCsv).isEqualTo(fromParquet);
    }

    private static long count(Statement st, String from) throws Exception {
        ResultSet rs = st.executeQuery("SELECT count(*) FROM " + from);
        rs.next();
        return rs.getLong(1);
    }

    private static List<String> query(String sql) throws Exception {
        List<String> rows = new ArrayList<>();
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                StringBuilder sb = new StringBuilder();
                for (int i = 1; i <= n; i++) {
                    sb.append(i > 1 ? "|" : "").append(rs.getString(i));
                }
                rows.add(sb.toString());
            }
        }
        return rows;
    }
}
