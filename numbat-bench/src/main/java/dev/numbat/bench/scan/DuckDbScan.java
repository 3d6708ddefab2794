package dev.numbat.bench.scan;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The DuckDB side of the scan benchmark: an in-process database ({@code jdbc:duckdb:}, in memory) limited to a
 * thread count, running one aggregate query per scan that depends on every value of the columns it reads.
 *
 * <p>Why the query looks the way it does: DuckDB is good at not reading data. It answers {@code count(*)}
 * over Parquet from the footers' row counts, rewrites {@code count(col)} to {@code count(*)} when the column
 * statistics say it has no NULLs, and both its Parquet and its CSV scanner push the projection down, so a
 * column that no expression uses is never decoded (Parquet) or converted from text (CSV). So every column
 * appears in an aggregate whose result depends on every row's value: {@code sum(col)} for numbers,
 * {@code sum(strlen(col))} for strings (which must be materialised to measure them; {@code strlen} counts
 * bytes, cheaper than {@code length}'s characters) and {@code sum(hash(col))} for anything else (dates,
 * booleans, timestamps). Statistics cannot answer any of these.
 *
 * <p>Not thread-safe; one statement at a time. A DuckDB {@link Statement} is unusable after it threw, so
 * every query gets a fresh one.
 */
final class DuckDbScan implements AutoCloseable {
    private static final Set<String> NUMERIC = Set.of("TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT",
            "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT", "FLOAT", "DOUBLE");

    /** One query's answer: the row count and the other aggregates, as text, for the record. */
    record Outcome(long rows, String checksum) {
    }

    private final Connection connection;
    private final int threads;

    DuckDbScan(int threads) throws SQLException {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        this.threads = threads;
        this.connection = DriverManager.getConnection("jdbc:duckdb:");
        try {
            execute("SET threads = " + threads);
            execute("SET enable_progress_bar = false");
            // Nothing may be fetched from the network here (see DEPENDENCIES.md).
            execute("SET autoinstall_known_extensions = false");
            execute("SET autoload_known_extensions = false");
        } catch (SQLException | RuntimeException e) {
            connection.close();
            throw e;
        }
    }

    int threads() {
        return threads;
    }

    String version() throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT version()")) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** The table function reading exactly {@code files}: {@code read_csv([...], header = true)} or {@code read_parquet([...])}. */
    static String tableFunction(ScanFormat format, List<Path> files) {
        StringBuilder list = new StringBuilder("[");
        for (int i = 0; i < files.size(); i++) {
            list.append(i == 0 ? "" : ", ").append(literal(files.get(i).toAbsolutePath().toString()));
        }
        list.append(']');
        return switch (format) {
            case CSV -> "read_csv(" + list + ", header = true)";
            case PARQUET -> "read_parquet(" + list + ")";
        };
    }

    /** The columns (name, DuckDB type) the table function yields, as DuckDB sees them. */
    List<String[]> describe(String tableFunction) throws SQLException {
        List<String[]> columns = new ArrayList<>();
        try (Statement s = connection.createStatement();
                ResultSet rs = s.executeQuery("DESCRIBE SELECT * FROM " + tableFunction)) {
            while (rs.next()) {
                columns.add(new String[] {rs.getString("column_name"), rs.getString("column_type")});
            }
        }
        return columns;
    }

    /**
     * The scan query over {@code tableFunction}: {@code count(*)} plus one aggregate per column of
     * {@code columns} (all described columns when {@code null}) that forces its values to be decoded.
     */
    String query(String tableFunction, List<String> columns) throws SQLException {
        List<String[]> described = describe(tableFunction);
        StringBuilder sql = new StringBuilder("SELECT count(*)");
        List<String> wanted = columns;
        if (wanted == null) {
            wanted = described.stream().map(c -> c[0]).toList();
        }
        for (String name : wanted) {
            String type = described.stream().filter(c -> c[0].equals(name)).map(c -> c[1]).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no column " + name + " in " + tableFunction
                            + "; it has " + described.stream().map(c -> c[0]).toList()));
            sql.append(", ").append(aggregate(name, type));
        }
        return sql.append(" FROM ").append(tableFunction).toString();
    }

    /** An aggregate over column {@code name} of DuckDB type {@code type} that reads every value. */
    static String aggregate(String name, String type) {
        String col = identifier(name);
        String t = type.toUpperCase(Locale.ROOT);
        if (NUMERIC.contains(t) || t.startsWith("DECIMAL")) {
            return "sum(" + col + ")";
        }
        if (t.equals("VARCHAR")) {
            return "sum(strlen(" + col + "))";
        }
        return "sum(hash(" + col + "))";
    }

    /** Runs {@code sql} (as built by {@link #query}) and returns its first column as the row count. */
    Outcome run(String sql) throws SQLException {
        Objects.requireNonNull(sql, "sql");
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no result row from " + sql);
            }
            long rows = rs.getLong(1);
            StringBuilder rest = new StringBuilder();
            int n = rs.getMetaData().getColumnCount();
            for (int i = 2; i <= n; i++) {
                rest.append(i == 2 ? "" : " ").append(rs.getString(i));
            }
            return new Outcome(rows, rest.toString());
        }
    }

    private void execute(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }

    static String identifier(String s) {
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() throws SQLException {
        connection.close();
    }
}
