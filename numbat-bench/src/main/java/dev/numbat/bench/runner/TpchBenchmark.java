package dev.numbat.bench.runner;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.bench.tpch.TpchTables;
import dev.numbat.bench.tpch.queries.Answers;
import dev.numbat.bench.tpch.queries.TpchQueries;
import dev.numbat.client.NumbatContext;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * TPC-H: Numbat (DataFrame API or SQL text) and DuckDB on the same Parquet files in one run. Each query is run once
 * per engine to warm up and check Numbat's answer against DuckDB's, then {@code runs} timed runs alternate
 * between the engines so machine drift hits both. A benchmark: it reports figures, it asserts nothing.
 */
public final class TpchBenchmark {

    /** What to run. */
    public record Config(double scaleFactor, Path data, List<Integer> queries, int runs, int threads, Api api) {
    }

    /** Which Numbat front end runs the queries. */
    public enum Api {
        DATAFRAME, SQL;

        public static Api parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "dataframe" -> DATAFRAME;
                case "sql" -> SQL;
                default -> throw NumbatException.userError("unknown --api '%s': use dataframe or sql", s);
            };
        }
    }

    /** One query's outcome; times in milliseconds (medians), NaN when the engine failed. */
    public record Result(int query, double numbatMs, double duckdbMs, String status) {
        public double ratio() {
            return numbatMs / duckdbMs;
        }
    }

    private TpchBenchmark() {
    }

    public static List<Result> run(Config config, PrintStream out) throws SQLException, IOException {
        Path dir = config.data();
        try (NumbatContext ctx = NumbatContext.local(config.threads())) {
            if (!TpchDatagen.exists(dir)) {
                out.printf("generating TPC-H sf %s into %s%n", config.scaleFactor(), dir);
                TpchDatagen.generate(ctx, config.scaleFactor(), TpchDatagen.Format.PARQUET, dir, List.of(), r -> { });
            }
            for (String t : TpchTables.NAMES) {
                ctx.registerParquet(t, dir.resolve(t).toString());
            }
            try (Connection duck = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duck.createStatement()) {
                st.execute("SET threads = " + config.threads());
                for (String t : TpchTables.NAMES) {
                    st.execute("CREATE VIEW %s AS SELECT * FROM read_parquet('%s/*.parquet')".formatted(t, dir.resolve(t)));
                }
                out.printf("TPC-H sf %s, %d timed runs per engine, Numbat (%s) and DuckDB with %d threads%n",
                        config.scaleFactor(), config.runs(), config.api() == Api.SQL ? "SQL" : "DataFrame API",
                        config.threads());
                out.printf("%-5s %12s %12s %8s  %s%n", "query", "numbat ms", "duckdb ms", "ratio", "answer");
                List<Result> results = new ArrayList<>();
                for (int q : config.queries()) {
                    Result r = runQuery(ctx, duck, q, config.runs(), config.api());
                    results.add(r);
                    out.printf(Locale.ROOT, "Q%-4d %12.1f %12.1f %8.2f  %s%n", q, r.numbatMs(), r.duckdbMs(), r.ratio(),
                            r.status());
                }
                double[] n = results.stream().filter(r -> r.status().equals("ok")).mapToDouble(Result::numbatMs).toArray();
                double[] d = results.stream().filter(r -> r.status().equals("ok")).mapToDouble(Result::duckdbMs).toArray();
                out.printf(Locale.ROOT, "%-5s %12.1f %12.1f %8.2f  over %d queries with correct answers%n", "geo",
                        geomean(n), geomean(d), geomean(n) / geomean(d), n.length);
                return results;
            }
        }
    }

    private static dev.numbat.client.DataStream numbat(NumbatContext ctx, int q, Api api) {
        return api == Api.SQL ? ctx.sql(TpchQueries.sql(q)) : TpchQueries.dataframe(q, ctx::table);
    }

    private static Result runQuery(NumbatContext ctx, Connection duck, int q, int runs, Api api) throws SQLException {
        String sql = TpchQueries.sql(q);
        List<List<Object>> expected;
        try (Statement st = duck.createStatement()) {
            expected = Answers.of(st, sql);
        }
        String status;
        try {
            String diff = Answers.difference(expected, Answers.of(numbat(ctx, q, api).collectRows()));
            status = diff == null ? "ok" : "WRONG: " + diff.lines().findFirst().orElse("");
        } catch (NumbatException e) {
            return new Result(q, Double.NaN, Double.NaN, "ERROR: " + e.getMessage().lines().findFirst().orElse(""));
        }
        double[] numbat = new double[runs];
        double[] duckdb = new double[runs];
        for (int i = 0; i < runs; i++) {
            long start = System.nanoTime();
            numbat(ctx, q, api).forEachBatch(b -> { });
            numbat[i] = (System.nanoTime() - start) / 1e6;
            start = System.nanoTime();
            // A fresh statement per query: DuckDB closes a statement for good after an error.
            try (Statement st = duck.createStatement(); var rs = st.executeQuery(sql)) {
                while (rs.next()) {
                    rs.getObject(1);
                }
            }
            duckdb[i] = (System.nanoTime() - start) / 1e6;
        }
        return new Result(q, median(numbat), median(duckdb), status);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    static double geomean(double[] v) {
        double log = 0;
        for (double x : v) {
            log += Math.log(x);
        }
        return v.length == 0 ? Double.NaN : Math.exp(log / v.length);
    }

    /** Writes the results as CSV. */
    public static void writeCsv(List<Result> results, Path file) throws IOException {
        List<String> lines = new ArrayList<>();
        lines.add("query,numbat_ms,duckdb_ms,ratio,status");
        for (Result r : results) {
            lines.add(String.format(Locale.ROOT, "%d,%.3f,%.3f,%.4f,\"%s\"", r.query(), r.numbatMs(), r.duckdbMs(),
                    r.ratio(), r.status().replace("\"", "'")));
        }
        Files.write(file, lines);
    }
}
