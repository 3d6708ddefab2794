package dev.numbat.bench.runner;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a TPC-H run measured: for each query and engine, the answer's status and the timed runs. Times are
 * medians in milliseconds. Ratios are taken to the baseline engine (Numbat embedded when it ran, else the first
 * engine) as {@code engine time / baseline time}, so a ratio above 1 means the baseline is faster. Geometric
 * means are over the queries every engine answered correctly, so one failure cannot flatter an engine.
 *
 * @param env the run's setting: date, machine, load, scale factor, each engine's description
 * @param engines engine names in the order they ran
 * @param queries the per-query results
 */
public record TpchReport(Map<String, String> env, List<String> engines, List<QueryResult> queries) {

    public static final String OK = "ok";

    public TpchReport {
        env = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(env));
        engines = List.copyOf(engines);
        queries = List.copyOf(queries);
    }

    /** One engine's outcome on one query. */
    public record EngineResult(String status, double[] millis) {
        public EngineResult {
            Objects.requireNonNull(status, "status");
            millis = millis.clone();
        }

        public boolean ok() {
            return status.equals(OK) && millis.length > 0;
        }

        /** Median of the timed runs; NaN when the answer was wrong or the engine failed. */
        public double median() {
            if (!ok()) {
                return Double.NaN;
            }
            double[] s = millis.clone();
            Arrays.sort(s);
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        public double min() {
            return ok() ? Arrays.stream(millis).min().orElse(Double.NaN) : Double.NaN;
        }

        public double max() {
            return ok() ? Arrays.stream(millis).max().orElse(Double.NaN) : Double.NaN;
        }
    }

    /** One query's results by engine name. */
    public record QueryResult(int query, Map<String, EngineResult> byEngine) {
        public QueryResult {
            byEngine = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(byEngine));
        }

        public EngineResult of(String engine) {
            return byEngine.get(engine);
        }

        public boolean allOk() {
            return byEngine.values().stream().allMatch(EngineResult::ok);
        }
    }

    /** The engine ratios are taken to: {@code numbat} if it ran, else the first engine. */
    public String baseline() {
        return engines.contains("numbat") ? "numbat" : engines.get(0);
    }

    /** Queries every engine answered correctly. */
    public List<QueryResult> common() {
        return queries.stream().filter(QueryResult::allOk).toList();
    }

    /** Geometric mean of {@code engine}'s medians over {@link #common()} queries; NaN when there are none. */
    public double geomean(String engine) {
        List<QueryResult> c = common();
        if (c.isEmpty()) {
            return Double.NaN;
        }
        double log = 0;
        for (QueryResult q : c) {
            log += Math.log(q.of(engine).median());
        }
        return Math.exp(log / c.size());
    }

    /** Engine-versus-baseline problems: wrong answers and failures, one line each. */
    public List<String> problems() {
        List<String> out = new ArrayList<>();
        for (QueryResult q : queries) {
            q.byEngine().forEach((e, r) -> {
                if (!r.ok()) {
                    out.add("Q" + q.query() + " " + e + ": " + r.status());
                }
            });
        }
        return out;
    }

    /** True when every engine answered every query correctly. */
    public boolean allAnswersChecked() {
        return problems().isEmpty();
    }

    /** The results table: per-query medians, ratios to the baseline, geometric means, goals and problems. */
    public String format() {
        String base = baseline();
        List<String> others = engines.stream().filter(e -> !e.equals(base)).toList();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-8s", "query"));
        for (String e : engines) {
            sb.append(String.format(Locale.ROOT, " %14s", e + " ms"));
        }
        for (String e : others) {
            sb.append(String.format(Locale.ROOT, " %15s", e + "/" + base));
        }
        sb.append('\n');
        for (QueryResult q : queries) {
            sb.append(String.format(Locale.ROOT, "%-8s", "Q" + q.query()));
            for (String e : engines) {
                EngineResult r = q.of(e);
                sb.append(r.ok() ? String.format(Locale.ROOT, " %14.1f", r.median())
                        : String.format(Locale.ROOT, " %14s", r.status().startsWith("WRONG") ? "WRONG" : "ERROR"));
            }
            for (String e : others) {
                double ratio = q.of(e).median() / q.of(base).median();
                sb.append(Double.isNaN(ratio) ? String.format(Locale.ROOT, " %15s", "-")
                        : String.format(Locale.ROOT, " %14.2fx", ratio));
            }
            sb.append('\n');
        }
        int n = common().size();
        sb.append(String.format(Locale.ROOT, "%-8s", "geomean"));
        for (String e : engines) {
            sb.append(String.format(Locale.ROOT, " %14.1f", geomean(e)));
        }
        for (String e : others) {
            sb.append(String.format(Locale.ROOT, " %14.2fx", geomean(e) / geomean(base)));
        }
        sb.append(String.format(Locale.ROOT, "%n(geometric means over the %d of %d queries every engine answered "
                + "correctly; ratio = engine time / %s time)%n", n, queries.size(), base));
        for (String g : goals()) {
            sb.append(g).append('\n');
        }
        List<String> problems = problems();
        if (!problems.isEmpty()) {
            sb.append("problems (not timed, not in the means):\n");
            problems.forEach(p -> sb.append("  ").append(p).append('\n'));
        }
        return sb.toString();
    }

    /**
     * The goals, where both engines ran: Numbat embedded at least 5x faster than Spark, and within 1.5x
     * of DuckDB, both by geometric mean. Stated, not asserted: a benchmark reports.
     */
    public List<String> goals() {
        List<String> out = new ArrayList<>();
        if (!engines.contains("numbat") || common().isEmpty()) {
            return out;
        }
        double numbat = geomean("numbat");
        if (engines.contains("spark")) {
            double x = geomean("spark") / numbat;
            out.add(String.format(Locale.ROOT, "goal: numbat >= 5x faster than spark: %.2fx faster -> %s", x,
                    x >= 5 ? "met" : "NOT met"));
        }
        if (engines.contains("duckdb")) {
            double x = numbat / geomean("duckdb");
            out.add(String.format(Locale.ROOT, "goal: numbat <= 1.5x duckdb's time: %.2fx -> %s", x,
                    x <= 1.5 ? "met" : "NOT met"));
        }
        return out;
    }

    /** Long format: one line per query and engine, plus one geometric-mean line per engine (query = geomean). */
    public String toCsv() {
        String base = baseline();
        StringBuilder sb = new StringBuilder("query,engine,median_ms,min_ms,max_ms,runs,ratio_to_" + base
                + ",status,times_ms\n");
        for (QueryResult q : queries) {
            for (String e : engines) {
                EngineResult r = q.of(e);
                sb.append(String.format(Locale.ROOT, "%d,%s,%s,%s,%s,%d,%s,%s,%s%n", q.query(), e, num(r.median()),
                        num(r.min()), num(r.max()), r.millis().length, num(r.median() / q.of(base).median()),
                        csv(r.status()), csv(joined(r.millis(), " "))));
            }
        }
        for (String e : engines) {
            sb.append(String.format(Locale.ROOT, "geomean,%s,%s,,,,%s,\"%d common queries\",%n", e, num(geomean(e)),
                    num(geomean(e) / geomean(base)), common().size()));
        }
        return sb.toString();
    }

    public String toJson() {
        String base = baseline();
        StringBuilder sb = new StringBuilder("{\n  \"env\": {");
        int i = 0;
        for (Map.Entry<String, String> e : env.entrySet()) {
            sb.append(i++ == 0 ? "" : ",").append("\n    ").append(json(e.getKey())).append(": ")
                    .append(json(e.getValue()));
        }
        sb.append("\n  },\n  \"engines\": [");
        for (int k = 0; k < engines.size(); k++) {
            sb.append(k == 0 ? "" : ", ").append(json(engines.get(k)));
        }
        sb.append("],\n  \"baseline\": ").append(json(base)).append(",\n  \"queries\": [");
        for (int k = 0; k < queries.size(); k++) {
            QueryResult q = queries.get(k);
            sb.append(k == 0 ? "" : ",").append("\n    {\"query\": ").append(q.query()).append(", \"engines\": {");
            int j = 0;
            for (String e : engines) {
                EngineResult r = q.of(e);
                sb.append(j++ == 0 ? "" : ", ").append(json(e)).append(": {\"status\": ").append(json(r.status()))
                        .append(", \"median_ms\": ").append(jnum(r.median()))
                        .append(", \"ratio_to_baseline\": ").append(jnum(r.median() / q.of(base).median()))
                        .append(", \"times_ms\": [").append(joined(r.millis(), ", ")).append("]}");
            }
            sb.append("}}");
        }
        sb.append("\n  ],\n  \"geomean\": {\"common_queries\": ").append(common().size());
        for (String e : engines) {
            sb.append(", ").append(json(e)).append(": {\"ms\": ").append(jnum(geomean(e)))
                    .append(", \"ratio_to_baseline\": ").append(jnum(geomean(e) / geomean(base))).append('}');
        }
        sb.append("},\n  \"goals\": [");
        List<String> goals = goals();
        for (int k = 0; k < goals.size(); k++) {
            sb.append(k == 0 ? "" : ", ").append(json(goals.get(k)));
        }
        sb.append("],\n  \"problems\": [");
        List<String> problems = problems();
        for (int k = 0; k < problems.size(); k++) {
            sb.append(k == 0 ? "" : ", ").append(json(problems.get(k)));
        }
        sb.append("]\n}\n");
        return sb.toString();
    }

    /** Writes {@code <dir>/<stem>.csv}, {@code .json} and {@code .png} and returns the three paths. */
    public List<Path> write(Path dir, String stem) throws IOException {
        Files.createDirectories(dir);
        Path csv = dir.resolve(stem + ".csv");
        Path json = dir.resolve(stem + ".json");
        Path png = dir.resolve(stem + ".png");
        Files.writeString(csv, toCsv());
        Files.writeString(json, toJson());
        Charts.tpchBars(this, png);
        return List.of(csv, json, png);
    }

    private static String joined(double[] v, String sep) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            sb.append(i == 0 ? "" : sep).append(String.format(Locale.ROOT, "%.3f", v[i]));
        }
        return sb.toString();
    }

    private static String num(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String jnum(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? "null" : String.format(Locale.ROOT, "%.4f", v);
    }

    private static String csv(String s) {
        return "\"" + s.replace("\"", "\"\"").replace('\n', ' ') + "\"";
    }

    static String json(String s) {
        return dev.numbat.bench.scan.ScanReport.json(s);
    }
}
