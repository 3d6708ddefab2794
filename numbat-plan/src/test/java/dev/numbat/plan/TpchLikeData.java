package dev.numbat.plan;

import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.plan.catalog.Catalog;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * Small TPC-H-shaped tables written to Parquet by DuckDB (several row groups each, so sources split over
 * channels), registered in a {@link Catalog}, and DuckDB views over the same files as the oracle.
 */
final class TpchLikeData implements AutoCloseable {
    private static final String[] TABLES = {
        "nation", """
            SELECT i::INTEGER AS n_nationkey, 'NATION' || i AS n_name, (i % 5)::INTEGER AS n_regionkey
            FROM range(25) t(i)""",
        "customer", """
            SELECT i + 1 AS c_custkey, 'Customer#' || lpad((i + 1)::VARCHAR, 6, '0') AS c_name,
                   (i % 25)::INTEGER AS c_nationkey,
                   CAST(((i * 7919) % 1000000) / 100.0 - 999.99 AS DECIMAL(15, 2)) AS c_acctbal,
                   list_element(['AUTOMOBILE', 'BUILDING', 'FURNITURE', 'HOUSEHOLD', 'MACHINERY'], (i % 5) + 1)
                       AS c_mktsegment
            FROM range(600) t(i)""",
        "orders", """
            SELECT i + 1 AS o_orderkey, ((i * 31) % 599) + 1 AS o_custkey,
                   list_element(['F', 'O', 'P'], (i % 3) + 1) AS o_orderstatus,
                   CAST(((i * 104729) % 50000000) / 100.0 + 1000 AS DECIMAL(15, 2)) AS o_totalprice,
                   DATE '1992-01-01' + ((i * 37) % 2400)::INTEGER AS o_orderdate,
                   list_element(['1-URGENT', '2-HIGH', '3-MEDIUM', '4-NOT SPECIFIED', '5-LOW'], (i % 5) + 1)
                       AS o_orderpriority,
                   (i % 2)::INTEGER AS o_shippriority
            FROM range(6000) t(i)""",
        "lineitem", """
            SELECT (i // 4) + 1 AS l_orderkey, ((i * 13) % 2000) + 1 AS l_partkey, ((i * 7) % 100) + 1 AS l_suppkey,
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
            FROM range(24000) t(i)""",
    };

    final Connection duckdb;
    final Catalog catalog = new Catalog();

    TpchLikeData(Path dir) throws SQLException {
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = duckdb.createStatement()) {
            st.execute("SET autoinstall_known_extensions = false");
        }
        for (int t = 0; t < TABLES.length; t += 2) {
            String name = TABLES[t];
            String file = dir.resolve(name + ".parquet").toString();
            try (Statement st = duckdb.createStatement()) {
                st.execute("COPY (" + TABLES[t + 1] + ") TO '" + file + "' (FORMAT PARQUET, ROW_GROUP_SIZE 2048)");
                st.execute("CREATE VIEW " + name + " AS SELECT * FROM read_parquet('" + file + "')");
            }
            catalog.register(name, new ParquetSource(file).withRowGroupSplitBytes(0));
        }
    }

    /** The rows DuckDB returns for {@code sql}, normalised like {@link QueryAssert#normalise}. */
    List<List<Object>> query(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement st = duckdb.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            while (rs.next()) {
                List<Object> row = new ArrayList<>();
                for (int c = 1; c <= md.getColumnCount(); c++) {
                    Object v = rs.getObject(c);
                    if (v instanceof java.sql.Date d) {
                        v = d.toLocalDate();
                    }
                    row.add(QueryAssert.normalise(v));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    @Override
    public void close() throws SQLException {
        duckdb.close();
    }
}
