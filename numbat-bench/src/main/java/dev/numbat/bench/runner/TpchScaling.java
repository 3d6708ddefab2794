package dev.numbat.bench.runner;

import dev.numbat.bench.engine.EngineOptions;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * TPC-H at several scale factors: runs {@link TpchBenchmark} once per scale factor (data in
 * {@code <dataRoot>/tpch-sf<SF>}, generated when absent), keeps each run's own CSV/JSON/PNG, and adds time
 * against scale factor: {@code scaling.csv}, {@code scaling.png} (geometric mean per engine) and
 * {@code scaling-queries.png} (each query on the first engine).
 */
public final class TpchScaling {

    /** What to run: {@link TpchBenchmark} once per scale factor, results and logs into {@code out}. */
    public record Config(List<Double> scaleFactors, Path dataRoot, List<Integer> queries, List<String> engines,
            int runs, EngineOptions options, Path out) {
        public Config {
            scaleFactors = List.copyOf(scaleFactors);
            if (scaleFactors.isEmpty()) {
                throw NumbatException.userError("name at least one scale factor");
            }
        }
    }

    private TpchScaling() {
    }

    /** Runs every scale factor in order and writes the combined results into {@code config.out()}. */
    public static Map<Double, TpchReport> run(Config config, PrintStream log) throws Exception {
        Map<Double, TpchReport> reports = new LinkedHashMap<>();
        for (double sf : config.scaleFactors()) {
            String label = TpchBenchmark.sfLabel(sf);
            log.printf("=== scale factor %s ===%n", label);
            TpchBenchmark.Config c = new TpchBenchmark.Config(sf, config.dataRoot().resolve("tpch-sf" + label),
                    config.queries(), config.engines(), config.runs(), config.options(), config.out());
            TpchReport report = TpchBenchmark.run(c, log);
            log.print(report.format());
            report.write(config.out(), "tpch-sf" + label);
            reports.put(sf, report);
        }
        write(reports, config.out());
        return reports;
    }

    /** Writes {@code scaling.csv}, {@code scaling.png} and {@code scaling-queries.png}; returns their paths. */
    public static List<Path> write(Map<Double, TpchReport> reports, Path dir) throws IOException {
        Files.createDirectories(dir);
        StringBuilder csv = new StringBuilder("scale_factor,query,engine,median_ms,status\n");
        Map<String, List<double[]>> geomeans = new LinkedHashMap<>();
        Map<String, List<double[]>> perQuery = new LinkedHashMap<>();
        String first = reports.values().iterator().next().engines().get(0);
        for (Map.Entry<Double, TpchReport> e : reports.entrySet()) {
            double sf = e.getKey();
            TpchReport r = e.getValue();
            for (TpchReport.QueryResult q : r.queries()) {
                for (String engine : r.engines()) {
                    TpchReport.EngineResult er = q.of(engine);
                    csv.append(String.format(Locale.ROOT, "%s,%d,%s,%s,\"%s\"%n", TpchBenchmark.sfLabel(sf), q.query(),
                            engine, Double.isNaN(er.median()) ? "" : String.format(Locale.ROOT, "%.3f", er.median()),
                            er.status().replace("\"", "'")));
                }
                if (q.of(first) != null) {
                    perQuery.computeIfAbsent("Q" + q.query(), k -> new ArrayList<>())
                            .add(new double[] {sf, q.of(first).median()});
                }
            }
            for (String engine : r.engines()) {
                double g = r.geomean(engine);
                csv.append(String.format(Locale.ROOT, "%s,geomean,%s,%s,\"%d common queries\"%n",
                        TpchBenchmark.sfLabel(sf), engine, Double.isNaN(g) ? "" : String.format(Locale.ROOT, "%.3f", g),
                        r.common().size()));
                geomeans.computeIfAbsent(engine, k -> new ArrayList<>()).add(new double[] {sf, g});
            }
        }
        Path csvFile = dir.resolve("scaling.csv");
        Path png = dir.resolve("scaling.png");
        Path queriesPng = dir.resolve("scaling-queries.png");
        Files.writeString(csvFile, csv.toString());
        String threads = reports.values().iterator().next().env().getOrDefault("threads", "?");
        Charts.scaling("TPC-H geometric mean per query vs scale factor, " + threads + " threads", geomeans, png);
        Charts.scaling("TPC-H " + first + ": median per query vs scale factor, " + threads + " threads", perQuery,
                queriesPng);
        return List.of(csvFile, png, queriesPng);
    }
}
