package dev.numbat.bench.tpch.queries;

import dev.numbat.client.Row;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Query answers as lists of plain values, and their comparison: decimals exactly, doubles against decimals
 * to half a unit of the decimal's last digit, doubles against doubles to a relative 1e-9.
 */
public final class Answers {
    private Answers() {
    }

    /** Numbat's rows as plain values. */
    public static List<List<Object>> of(List<Row> rows) {
        List<List<Object>> out = new ArrayList<>();
        for (Row r : rows) {
            List<Object> row = new ArrayList<>();
            r.values().forEach(v -> row.add(normalise(v)));
            out.add(row);
        }
        return out;
    }

    /** Rows fetched as arrays of driver objects (JDBC, another engine), as plain values. */
    public static List<List<Object>> ofArrays(List<Object[]> rows) {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            List<Object> row = new ArrayList<>(r.length);
            for (Object v : r) {
                row.add(normalise(v));
            }
            out.add(row);
        }
        return out;
    }

    /** A JDBC query's rows as plain values. */
    public static List<List<Object>> of(Statement st, String sql) throws SQLException {
        List<List<Object>> rows = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
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

    /** Null when the answers agree, else a description of the first difference. */
    public static String difference(List<List<Object>> expected, List<List<Object>> actual) {
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
}
