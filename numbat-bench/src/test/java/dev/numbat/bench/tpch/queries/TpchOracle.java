package dev.numbat.bench.tpch.queries;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.bench.tpch.TpchTables;
import dev.numbat.client.NumbatContext;
import dev.numbat.client.Row;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs TPC-H queries in Numbat (DataFrame API) and in DuckDB (standard SQL text) over the same Parquet
 * files, and compares the rows: decimals exactly, doubles against decimals to half a unit of the decimal's
 * last digit, doubles against doubles to a relative 1e-9.
 */
final class TpchOracle implements AutoCloseable {
    private final Path data;
    private final Connection duckdb;

    /** Generates (once, under {@code dir}) TPC-H at {@code scaleFactor} as Parquet and opens DuckDB on it. */
    TpchOracle(Path dir, double scaleFactor) throws SQLException {
        this.data = dir.resolve("tpch-sf" + BigDecimal.valueOf(scaleFactor).stripTrailingZeros().toPlainString());
        if (!TpchDatagen.exists(data)) {
            try (NumbatContext ctx = NumbatContext.local()) {
                TpchDatagen.generate(ctx, scaleFactor, TpchDatagen.Format.PARQUET, data, List.of(), r -> { });
            }
        }
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = duckdb.createStatement()) {
            st.execute("SET threads = 2");
            for (String t : TpchTables.NAMES) {
                st.execute("CREATE VIEW %s AS SELECT * FROM read_parquet('%s/*.parquet')".formatted(t, data.resolve(t)));
            }
        }
    }

    Path data() {
        return data;
    }

    /** Registers the tables in {@code ctx} under their TPC-H names. */
    void register(NumbatContext ctx) {
        for (String t : TpchTables.NAMES) {
            ctx.registerParquet(t, data.resolve(t).toString());
        }
    }

    List<List<Object>> duckdb(String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (Statement st = duckdb.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(normalise(rs.getObject(i)));
                }
                rows.add(row);
            }
        }
        return rows;
    }

    static List<List<Object>> values(List<Row> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (Row r : rows) {
            List<Object> row = new ArrayList<>();
            r.values().forEach(v -> row.add(normalise(v)));
            out.add(row);
        }
        return out;
    }

    private static Object normalise(Object v) {
        if (v instanceof java.sql.Date d) {
            return d.toLocalDate();
        }
        if (v instanceof java.sql.Timestamp ts) {
            return ts.toLocalDateTime();
        }
        if (v instanceof Integer || v instanceof Short || v instanceof Byte) {
            return ((Number) v).longValue();
        }
        if (v instanceof java.math.BigInteger b) {
            return new BigDecimal(b);
        }
        return v;
    }

    /** Null when the results agree, else a description of the first difference. */
    static String difference(List<List<Object>> expected, List<List<Object>> actual) {
        if (expected.size() != actual.size()) {
            return "expected " + expected.size() + " rows, got " + actual.size() + "; first rows expected "
                    + head(expected) + " got " + head(actual);
        }
        for (int r = 0; r < expected.size(); r++) {
            List<Object> e = expected.get(r);
            List<Object> a = actual.get(r);
            if (e.size() != a.size()) {
                return "row " + r + ": expected " + e.size() + " columns " + e + ", got " + a.size() + " " + a;
            }
            for (int c = 0; c < e.size(); c++) {
                if (!same(e.get(c), a.get(c))) {
                    return "row " + r + " column " + c + ": expected " + describe(e.get(c)) + ", got "
                            + describe(a.get(c)) + "\n  expected row " + e + "\n  actual row   " + a;
                }
            }
        }
        return null;
    }

    private static String head(List<List<Object>> rows) {
        return rows.subList(0, Math.min(3, rows.size())).toString();
    }

    private static String describe(Object v) {
        return v == null ? "NULL" : v + " (" + v.getClass().getSimpleName() + ")";
    }

    static boolean same(Object e, Object a) {
        if (e == null || a == null) {
            return e == a;
        }
        if (e instanceof Number en && a instanceof Number an) {
            if (en instanceof Long && an instanceof Long) {
                return en.longValue() == an.longValue();
            }
            boolean eExact = !(en instanceof Double || en instanceof Float);
            boolean aExact = !(an instanceof Double || an instanceof Float);
            if (eExact && aExact) {
                return new BigDecimal(en.toString()).compareTo(new BigDecimal(an.toString())) == 0;
            }
            double x = en.doubleValue();
            double y = an.doubleValue();
            double tolerance = 1e-9 * Math.max(Math.abs(x), Math.abs(y));
            if (eExact != aExact) {
                BigDecimal exact = new BigDecimal((eExact ? en : an).toString());
                tolerance = Math.max(tolerance, 0.5 * Math.pow(10, -Math.max(0, exact.scale())));
            }
            return Math.abs(x - y) <= tolerance;
        }
        if (e instanceof LocalDate || a instanceof LocalDate) {
            return e.toString().equals(a.toString());
        }
        return e.equals(a);
    }

    @Override
    public void close() throws SQLException {
        duckdb.close();
    }
}
