package dev.numbat.bench.engine;

import dev.numbat.bench.tpch.TpchTables;
import dev.numbat.bench.tpch.queries.Answers;
import dev.numbat.bench.tpch.queries.TpchQueries;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;

/**
 * DuckDB in this process through its JDBC driver, {@code threads} set to the run's thread count, with one view
 * per TPC-H table over {@code read_parquet}. DuckDB is also the oracle every engine's answer is checked against.
 */
public final class DuckDbEngine implements Engine {
    private final int threads;
    private Connection connection;
    private String version = "?";

    public DuckDbEngine(int threads) {
        this.threads = threads;
    }

    @Override
    public String name() {
        return "duckdb";
    }

    @Override
    public String description() {
        return "DuckDB " + version + " (JDBC, in process), threads=" + threads;
    }

    @Override
    public void prepare(Path tables) throws SQLException {
        connection = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = connection.createStatement()) {
            st.execute("SET threads = " + threads);
            // Offline machines: never try to download an extension in the middle of a timed run.
            st.execute("SET autoinstall_known_extensions = false");
            for (String t : TpchTables.NAMES) {
                String glob = tables.resolve(t).toAbsolutePath() + "/*.parquet";
                st.execute("CREATE VIEW %s AS SELECT * FROM read_parquet('%s')".formatted(t, glob.replace("'", "''")));
            }
            try (ResultSet rs = st.executeQuery("SELECT version()")) {
                if (rs.next()) {
                    version = rs.getString(1);
                }
            }
        }
    }

    @Override
    public Execution run(int query) throws SQLException {
        String sql = TpchQueries.sql(query);
        long start = System.nanoTime();
        List<Object[]> raw = new ArrayList<>();
        // A fresh statement per query: DuckDB closes a statement for good after an error.
        try (Statement st = connection.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                Object[] row = new Object[n];
                for (int i = 0; i < n; i++) {
                    row[i] = rs.getObject(i + 1);
                }
                raw.add(row);
            }
        }
        double millis = (System.nanoTime() - start) / 1e6;
        return new Execution(millis, Answers.ofArrays(raw));
    }

    @Override
    public void close() throws SQLException {
        if (connection != null) {
            connection.close();
            connection = null;
        }
    }
}
