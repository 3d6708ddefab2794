package dev.numbat.bench.scan;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * What a scan benchmark measured: one {@link EngineResult} per (format, projection, engine), the problems it
 * saw (row counts that differ, engines that failed) and the environment, formatted as a text table, CSV or
 * JSON. Ratios are Numbat's time over DuckDB's in the same run and case: above 1 means Numbat was slower.
 */
public record ScanReport(Map<String, String> environment, List<EngineResult> results, List<String> problems) {

    /** One MB in the figures: 10^6 bytes. */
    static final double MB = 1e6;

    public ScanReport {
        environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment)); // keeps the order
        results = List.copyOf(results);
        problems = List.copyOf(problems);
    }

    /**
     * One engine on one case.
     *
     * @param format the files' format
     * @param projection "all" or the comma-separated columns read
     * @param engine "numbat" or "duckdb"
     * @param parallelism threads (and, for Numbat, channels) used
     * @param fileBytes bytes on disk of the files read (whatever the projection)
     * @param rows rows counted by the warm-up run, or -1 when the engine failed before
     * @param seconds wall-clock time of each timed run, in order
     * @param cpuSeconds CPU time of the whole process (all threads, Java and native) during each timed run: on
     *        a machine shared with other work it varies less than the wall-clock time
     * @param checksum the engine's own checksum of what it read (not comparable across engines)
     * @param note a caveat to print beside the figures, or empty
     * @param error the failure that stopped the engine, or null
     */
    public record EngineResult(ScanFormat format, String projection, String engine, String parallelism,
            long fileBytes, long rows, List<Double> seconds, List<Double> cpuSeconds, String checksum, String note, String error) {
        public EngineResult {
            Objects.requireNonNull(format, "format");
            seconds = List.copyOf(seconds);
            cpuSeconds = List.copyOf(cpuSeconds);
            note = note == null ? "" : note;
        }

        public boolean measured() {
            return !seconds.isEmpty();
        }

        public double median() {
            return median(seconds);
        }

        /** The median CPU seconds of the process per run. */
        public double cpuMedian() {
            return median(cpuSeconds);
        }

        private static double median(List<Double> values) {
            double[] s = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
            if (s.length == 0) {
                return Double.NaN;
            }
            return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
        }

        public double best() {
            return seconds.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN);
        }

        public double rowsPerSecond(double secs) {
            return rows / secs;
        }

        public double mbPerSecond(double secs) {
            return fileBytes / MB / secs;
        }

        boolean isDuckDb() {
            return engine.startsWith("duckdb");
        }
    }

    /** The DuckDB result of the same case as {@code r}, or null. */
    public EngineResult peerOf(EngineResult r) {
        for (EngineResult d : results) {
            if (d.isDuckDb() && d.format() == r.format() && d.projection().equals(r.projection()) && d.measured()) {
                return d;
            }
        }
        return null;
    }

    /** Numbat's time over DuckDB's for the same case (median over median, or best over best), or NaN. */
    public double ratio(EngineResult r, boolean best) {
        EngineResult d = peerOf(r);
        if (d == null || !r.measured()) {
            return Double.NaN;
        }
        return best ? r.best() / d.best() : r.median() / d.median();
    }

    /** A readable table with one line per engine and case, then notes and problems. */
    public String format() {
        StringBuilder sb = new StringBuilder();
        environment.forEach((k, v) -> sb.append(String.format("%-12s %s%n", k + ":", v)));
        sb.append('\n');
        String head = "%-7s %-28s %-7s %-15s %11s %8s %8s %8s %10s %10s %8s %8s %6s %6s%n";
        String row = "%-7s %-28s %-7s %-15s %,11d %8.3f %8.3f %8.3f %,10.0f %,10.0f %8.1f %8.1f %6s %6s%n";
        sb.append(String.format(head, "format", "columns", "engine", "parallelism", "rows", "median s", "best s",
                "cpu s md", "krows/s md", "krows/s bs", "MB/s md", "MB/s bs", "x md", "x bs"));
        sb.append("-".repeat(150)).append('\n');
        List<String> notes = new ArrayList<>();
        for (EngineResult r : results) {
            String engine = r.engine() + (r.note().isEmpty() ? "" : mark(notes, r.note()));
            if (!r.measured()) {
                sb.append(String.format("%-7s %-28s %-7s %-15s %11s  FAILED: %s%n", r.format().label(),
                        r.projection(), engine, r.parallelism(), r.rows() < 0 ? "-" : String.format("%,d", r.rows()),
                        r.error()));
                continue;
            }
            String xm = r.isDuckDb() ? "1" : ratioText(ratio(r, false));
            String xb = r.isDuckDb() ? "1" : ratioText(ratio(r, true));
            sb.append(String.format(Locale.ROOT, row, r.format().label(), r.projection(), engine, r.parallelism(),
                    r.rows(), r.median(), r.best(), r.cpuMedian(), r.rowsPerSecond(r.median()) / 1e3, r.rowsPerSecond(r.best()) / 1e3,
                    r.mbPerSecond(r.median()), r.mbPerSecond(r.best()), xm, xb));
            if (r.error() != null) {
                sb.append("        (stopped early: ").append(r.error()).append(")\n");
            }
        }
        sb.append("\nmd = median, bs = best of the timed runs; cpu s = CPU time of the whole process (all threads) "
                + "per run;\nMB = 10^6 bytes of the files on disk (all columns, also when fewer are read);\n"
                + "x = Numbat time / DuckDB time in the same case (above 1: Numbat slower).\n");
        for (int i = 0; i < notes.size(); i++) {
            sb.append("*".repeat(i + 1)).append(' ').append(notes.get(i)).append('\n');
        }
        if (!problems.isEmpty()) {
            sb.append("\n!!! PROBLEMS !!!\n");
            problems.forEach(p -> sb.append("!!! ").append(p).append('\n'));
        }
        return sb.toString();
    }

    private static String mark(List<String> notes, String note) {
        int i = notes.indexOf(note);
        if (i < 0) {
            notes.add(note);
            i = notes.size() - 1;
        }
        return "*".repeat(i + 1);
    }

    private static String ratioText(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2f", x);
    }

    /** One CSV line per engine and case, with a header; the individual run times are ';'-separated. */
    public String toCsv() {
        StringBuilder sb = new StringBuilder("format,columns,engine,parallelism,file_bytes,rows,runs_s,median_s,best_s,cpu_runs_s,cpu_median_s,"
                + "rows_per_s_median,rows_per_s_best,mb_per_s_median,mb_per_s_best,ratio_median,ratio_best,note,error\n");
        for (EngineResult r : results) {
            List<String> runs = r.seconds().stream().map(s -> String.format(Locale.ROOT, "%.4f", s)).toList();
            List<String> cpu = r.cpuSeconds().stream().map(s -> String.format(Locale.ROOT, "%.4f", s)).toList();
            sb.append(String.join(",", Arrays.asList(
                    r.format().label(), csv(r.projection()), r.engine(), csv(r.parallelism()),
                    Long.toString(r.fileBytes()), Long.toString(r.rows()), String.join(";", runs),
                    num(r.median(), 4), num(r.best(), 4), String.join(";", cpu), num(r.cpuMedian(), 4),
                    num(r.rowsPerSecond(r.median()), 0), num(r.rowsPerSecond(r.best()), 0),
                    num(r.mbPerSecond(r.median()), 2), num(r.mbPerSecond(r.best()), 2),
                    r.isDuckDb() ? "1" : num(ratio(r, false), 3), r.isDuckDb() ? "1" : num(ratio(r, true), 3),
                    csv(r.note()), csv(r.error() == null ? "" : r.error())))).append('\n');
        }
        return sb.toString();
    }

    /** The environment, every result with its run times, and the problems, as one JSON object. */
    public String toJson() {
        StringBuilder sb = new StringBuilder("{\n  \"environment\": {");
        int i = 0;
        for (Map.Entry<String, String> e : environment.entrySet()) {
            sb.append(i++ == 0 ? "" : ",").append("\n    ").append(json(e.getKey())).append(": ").append(json(e.getValue()));
        }
        sb.append("\n  },\n  \"results\": [");
        for (int k = 0; k < results.size(); k++) {
            EngineResult r = results.get(k);
            List<String> runs = r.seconds().stream().map(s -> String.format(Locale.ROOT, "%.4f", s)).toList();
            List<String> cpu = r.cpuSeconds().stream().map(s -> String.format(Locale.ROOT, "%.4f", s)).toList();
            sb.append(k == 0 ? "" : ",").append("\n    {")
                    .append("\"format\": ").append(json(r.format().label()))
                    .append(", \"columns\": ").append(json(r.projection()))
                    .append(", \"engine\": ").append(json(r.engine()))
                    .append(", \"parallelism\": ").append(json(r.parallelism()))
                    .append(", \"file_bytes\": ").append(r.fileBytes())
                    .append(", \"rows\": ").append(r.rows())
                    .append(", \"runs_s\": [").append(String.join(", ", runs)).append(']')
                    .append(", \"median_s\": ").append(jnum(r.median(), 4))
                    .append(", \"best_s\": ").append(jnum(r.best(), 4))
                    .append(", \"cpu_runs_s\": [").append(String.join(", ", cpu)).append(']')
                    .append(", \"cpu_median_s\": ").append(jnum(r.cpuMedian(), 4))
                    .append(", \"rows_per_s_median\": ").append(jnum(r.rowsPerSecond(r.median()), 0))
                    .append(", \"mb_per_s_median\": ").append(jnum(r.mbPerSecond(r.median()), 2))
                    .append(", \"ratio_median\": ").append(r.isDuckDb() ? "1" : jnum(ratio(r, false), 3))
                    .append(", \"ratio_best\": ").append(r.isDuckDb() ? "1" : jnum(ratio(r, true), 3))
                    .append(", \"checksum\": ").append(json(r.checksum() == null ? "" : r.checksum()))
                    .append(", \"note\": ").append(json(r.note()))
                    .append(", \"error\": ").append(r.error() == null ? "null" : json(r.error()))
                    .append('}');
        }
        sb.append("\n  ],\n  \"problems\": [");
        for (int k = 0; k < problems.size(); k++) {
            sb.append(k == 0 ? "" : ", ").append(json(problems.get(k)));
        }
        return sb.append("]\n}\n").toString();
    }

    private static String num(double x, int places) {
        return Double.isNaN(x) || Double.isInfinite(x) ? "" : String.format(Locale.ROOT, "%." + places + "f", x);
    }

    private static String jnum(double x, int places) {
        String s = num(x, places);
        return s.isEmpty() ? "null" : s;
    }

    private static String csv(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0) {
            return s;
        }
        return '"' + s.replace("\"", "\"\"") + '"';
    }

    /** {@code s} as a JSON string literal (shared by the benchmark reports). */
    public static String json(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
