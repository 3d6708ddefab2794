package dev.numbat.cluster.flightsql;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The stock Flight SQL JDBC driver against {@link NumbatFlightSqlProducer} on a real server: query results
 * equal DuckDB's on the same Parquet files, metadata, prepared statements, DDL through executeUpdate, errors,
 * and no leaks (the server's root allocator is closed after every test).
 */
@Timeout(120)
class FlightSqlJdbcTest {
    @TempDir
    static Path dir;
    FlightSqlTestServer server;

    @BeforeEach
    void start() throws Exception {
        server = new FlightSqlTestServer(dir, NumbatFlightSqlProducer.Options.defaults());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    static Stream<String> queries() {
        return Stream.of(
                "SELECT id, qty, price, name, sold_on, grp FROM items ORDER BY id",
                "SELECT name, count(*) AS n, sum(price) AS total, min(sold_on) AS first_sale, max(qty) AS most "
                        + "FROM items GROUP BY name",
                "SELECT id, price * 2 AS doubled, name FROM items "
                        + "WHERE sold_on >= DATE '2024-06-01' AND name IS NOT NULL ORDER BY id LIMIT 50",
                "SELECT g.label, sum(i.qty) AS qty, count(i.grp) AS n FROM items i JOIN labels g ON i.grp = g.grp "
                        + "GROUP BY g.label",
                "SELECT count(*) AS missing FROM items WHERE grp IS NULL",
                "SELECT id, name FROM items WHERE id < 0");
    }

    @ParameterizedTest
    @MethodSource("queries")
    void queryResultsEqualDuckDb(String sql) throws Exception {
        List<List<Object>> actual;
        List<String> columns = new ArrayList<>();
        try (Connection c = server.connect(); Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            ResultSetMetaData md = rs.getMetaData();
            for (int i = 1; i <= md.getColumnCount(); i++) {
                columns.add(md.getColumnName(i));
            }
            actual = FlightSqlTestServer.rows(rs);
        }
        List<List<Object>> expected = server.duckdb(sql);
        if (!sql.contains("ORDER BY")) {
            actual.sort(FlightSqlTestServer.ROWS);
            expected.sort(FlightSqlTestServer.ROWS);
        }
        assertThat(actual).as(sql).isEqualTo(expected);
        List<String> duckColumns = new ArrayList<>();
        try (Statement st = server.duckdb.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                duckColumns.add(rs.getMetaData().getColumnName(i));
            }
        }
        if (!actual.isEmpty()) {
            assertThat(columns).isEqualTo(duckColumns);
        } else {
            // Driver 18.3 lists each column twice for an empty Statement result (apache/arrow-java#44, fixed
            // upstream by PR #1135); the same statement prepared shows what the server sends.
            try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(sql);
                    ResultSet rs = ps.executeQuery()) {
                List<String> prepared = new ArrayList<>();
                for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
                    prepared.add(rs.getMetaData().getColumnName(i));
                }
                assertThat(prepared).isEqualTo(duckColumns);
                assertThat(rs.next()).isFalse();
            }
        }
        assertNothingPending();
    }

    @Test
    void columnTypesReachJdbc() throws Exception {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT id, qty, price, name, sold_on FROM items WHERE id = 3")) {
            ResultSetMetaData md = rs.getMetaData();
            assertThat(md.getColumnType(1)).isEqualTo(Types.INTEGER);
            assertThat(md.getColumnType(2)).isEqualTo(Types.BIGINT);
            assertThat(md.getColumnType(3)).isEqualTo(Types.DECIMAL);
            assertThat(md.getScale(3)).isEqualTo(2);
            assertThat(md.getColumnType(4)).isEqualTo(Types.VARCHAR);
            assertThat(md.getColumnType(5)).isEqualTo(Types.DATE);
            assertThat(rs.next()).isTrue();
            assertThat(rs.getInt(1)).isEqualTo(3);
            assertThat(rs.getLong(2)).isEqualTo(21);
            assertThat(rs.getBigDecimal(3)).isEqualByComparingTo("1.11");
            assertThat(rs.getString(4)).isEqualTo("item-3");
            assertThat(rs.getDate(5).toLocalDate()).isEqualTo(java.time.LocalDate.of(2024, 1, 4));
            assertThat(rs.next()).isFalse();
        }
    }

    @Test
    void listsCatalogsSchemasTablesAndColumns() throws Exception {
        try (Connection c = server.connect()) {
            DatabaseMetaData md = c.getMetaData();
            assertThat(md.getDatabaseProductName()).isEqualTo("Numbat");
            assertThat(md.getIdentifierQuoteString()).isEqualTo("\"");
            try (ResultSet rs = md.getCatalogs()) {
                assertThat(column(rs, "TABLE_CAT")).containsExactly(NumbatFlightSqlProducer.CATALOG);
            }
            try (ResultSet rs = md.getSchemas()) {
                List<String> schemas = new ArrayList<>();
                while (rs.next()) {
                    schemas.add(rs.getString("TABLE_CATALOG") + "." + rs.getString("TABLE_SCHEM"));
                }
                assertThat(schemas).containsExactly("numbat.default");
            }
            try (ResultSet rs = md.getSchemas("nosuch", null)) {
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = md.getTableTypes()) {
                assertThat(column(rs, "TABLE_TYPE")).containsExactly("TABLE", "VIEW");
            }
            try (ResultSet rs = md.getTables(null, null, "%", null)) {
                List<String> tables = new ArrayList<>();
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_CAT") + "." + rs.getString("TABLE_SCHEM") + "."
                            + rs.getString("TABLE_NAME") + ":" + rs.getString("TABLE_TYPE"));
                }
                assertThat(tables).containsExactly("numbat.default.big:TABLE", "numbat.default.items:TABLE",
                        "numbat.default.labels:TABLE");
            }
            try (ResultSet rs = md.getTables(NumbatFlightSqlProducer.CATALOG, "def%", "i_em%",
                    new String[] {"TABLE"})) {
                assertThat(column(rs, "TABLE_NAME")).containsExactly("items");
            }
            try (ResultSet rs = md.getTables(null, null, "%", new String[] {"VIEW"})) {
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = md.getTables("other", null, "%", null)) {
                assertThat(rs.next()).isFalse();
            }
            try (ResultSet rs = md.getColumns(null, null, "items", null)) {
                List<String> columns = new ArrayList<>();
                while (rs.next()) {
                    assertThat(rs.getString("TABLE_NAME")).isEqualTo("items");
                    columns.add(rs.getString("COLUMN_NAME") + ":" + rs.getInt("DATA_TYPE") + ":"
                            + rs.getInt("ORDINAL_POSITION"));
                }
                assertThat(columns).containsExactly("id:" + Types.INTEGER + ":1", "qty:" + Types.BIGINT + ":2",
                        "price:" + Types.DECIMAL + ":3", "name:" + Types.VARCHAR + ":4", "sold_on:" + Types.DATE + ":5",
                        "grp:" + Types.INTEGER + ":6");
            }
            try (ResultSet rs = md.getColumns(null, null, "%", "gr_")) {
                List<String> columns = new ArrayList<>();
                while (rs.next()) {
                    columns.add(rs.getString("TABLE_NAME") + "." + rs.getString("COLUMN_NAME"));
                }
                assertThat(columns).containsExactlyInAnyOrder("labels.grp", "items.grp");
            }
            try (ResultSet rs = md.getPrimaryKeys(null, null, "items")) {
                assertThat(rs.next()).isFalse();
            }
        }
    }

    @Test
    void preparedStatementsRunRepeatedlyAndAreClosed() throws Exception {
        String sql = "SELECT grp, count(*) AS n, sum(price) AS total FROM items WHERE qty > 50 GROUP BY grp";
        List<List<Object>> expected = server.duckdb(sql);
        expected.sort(FlightSqlTestServer.ROWS);
        try (Connection c = server.connect()) {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                assertThat(server.producer.preparedStatements()).isEqualTo(1);
                // The dataset schema comes with the prepared statement, before it runs.
                ResultSetMetaData md = ps.getMetaData();
                assertThat(md.getColumnCount()).isEqualTo(3);
                assertThat(md.getColumnName(2)).isEqualTo("n");
                for (int run = 0; run < 3; run++) {
                    try (ResultSet rs = ps.executeQuery()) {
                        List<List<Object>> actual = FlightSqlTestServer.rows(rs);
                        actual.sort(FlightSqlTestServer.ROWS);
                        assertThat(actual).isEqualTo(expected);
                    }
                }
            }
            assertThat(server.producer.preparedStatements()).isZero();
        }
        assertNothingPending();
    }

    @Test
    void badSqlGivesTheNumbatMessage() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement st = c.createStatement()) {
                assertThatThrownBy(() -> st.executeQuery("SELECT nosuch FROM items"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("USER_ERROR")
                        .hasMessageContaining("line 1, column 8")
                        .hasMessageContaining("nosuch");
            }
            try (Statement st = c.createStatement()) {
                assertThatThrownBy(() -> st.executeQuery("SELEC 1"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("USER_ERROR: SQL syntax error at line 1, column 1");
            }
            // The driver's message only names the statement; Numbat's text is its cause's.
            assertThatThrownBy(() -> c.prepareStatement("SELECT * FROM nosuch"))
                    .isInstanceOf(SQLException.class)
                    .satisfies(e -> assertThat(messages(e))
                            .contains("INVALID_ARGUMENT: USER_ERROR: SQL error at line 1, column 15: Object 'nosuch'"));
            // The connection still works after errors.
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT count(*) FROM labels")) {
                assertThat(rs.next()).isTrue();
                assertThat(rs.getLong(1)).isEqualTo(5);
            }
        }
        assertNothingPending();
    }

    @Test
    void ddlRunsThroughExecuteUpdate() throws Exception {
        Path csv = dir.resolve("notes.csv");
        Files.writeString(csv, "id,note\n1,first\n2,second\n3,\n");
        try (Connection c = server.connect()) {
            try (Statement st = c.createStatement()) {
                assertThat(st.executeUpdate("CREATE EXTERNAL TABLE notes STORED AS CSV LOCATION '" + csv + "'"))
                        .isZero();
            }
            try (ResultSet rs = c.getMetaData().getTables(null, null, "notes", null)) {
                assertThat(column(rs, "TABLE_NAME")).containsExactly("notes");
            }
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT id, note FROM notes ORDER BY id")) {
                List<List<Object>> rows = FlightSqlTestServer.rows(rs);
                assertThat(rows).hasSize(3);
                assertThat(rows.get(1)).containsExactly(2L, "second");
            }
            try (Statement st = c.createStatement()) {
                // execute() of a statement without result columns is an update, not a query.
                assertThat(st.execute("DROP TABLE notes")).isFalse();
                assertThat(st.getUpdateCount()).isZero();
            }
            try (ResultSet rs = c.getMetaData().getTables(null, null, "notes", null)) {
                assertThat(rs.next()).isFalse();
            }
            try (Statement st = c.createStatement()) {
                assertThatThrownBy(() -> st.executeUpdate("DROP TABLE notes"))
                        .isInstanceOf(SQLException.class)
                        .hasMessageContaining("USER_ERROR: no table notes");
            }
        }
        assertNothingPending();
    }

    @Test
    void manySequentialQueriesLeaveNothingBehind() throws Exception {
        try (Connection c = server.connect()) {
            for (int i = 0; i < 150; i++) {
                String sql = "SELECT count(*), sum(qty) FROM items WHERE id % 150 = " + i;
                try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                    assertThat(FlightSqlTestServer.rows(rs)).isEqualTo(server.duckdb(sql));
                }
            }
        }
        assertNothingPending();
        // Memory is back to what the idle server holds (the allocator is closed, leak-checked, after the test).
        assertThat(server.allocator.getAllocatedMemory()).isZero();
    }

    @Test
    void largeResultStreamsAndAnAbandonedOneIsCancelled() throws Exception {
        try (Connection c = server.connect()) {
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT k, v, s FROM big")) {
                long rows = 0;
                long sum = 0;
                while (rs.next()) {
                    rows++;
                    sum += rs.getLong(1);
                }
                assertThat(rows).isEqualTo(400_000);
                assertThat(sum).isEqualTo(399_999L * 400_000L / 2);
            }
            // Read a few rows and hang up: the server must stop the query and release it.
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT k, v, s FROM big")) {
                for (int i = 0; i < 10; i++) {
                    assertThat(rs.next()).isTrue();
                }
            }
        }
        long deadline = System.nanoTime() + 20_000_000_000L;
        while (server.backend.openResults.get() > 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertNothingPending();
    }

    private void assertNothingPending() {
        assertThat(server.producer.pendingStatements()).as("pending statements").isZero();
        assertThat(server.producer.preparedStatements()).as("prepared statements").isZero();
        assertThat(server.backend.openResults.get()).as("open backend results").isZero();
    }

    private static String messages(Throwable t) {
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null; c = c.getCause()) {
            sb.append(c).append('\n');
        }
        return sb.toString();
    }

    private static List<String> column(ResultSet rs, String name) throws SQLException {
        List<String> values = new ArrayList<>();
        while (rs.next()) {
            values.add(rs.getString(name));
        }
        return values;
    }
}
