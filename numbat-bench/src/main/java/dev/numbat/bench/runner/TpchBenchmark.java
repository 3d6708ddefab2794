package dev.numbat.bench.runner;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.bench.engine.DuckDbEngine;
import dev.numbat.bench.engine.Engine;
import dev.numbat.bench.engine.EngineOptions;
import dev.numbat.bench.engine.Engines;
import dev.numbat.bench.tpch.queries.Answers;
import dev.numbat.bench.tpch.queries.TpchQueries;
import dev.numbat.client.NumbatContext;
import dev.numbat.core.NumbatException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * TPC-H on several engines over the same Parquet files in one run. A benchmark: it reports figures and asserts
 * nothing.
 *
 * <p>For each query in turn: every engine runs it once to warm up, and that answer is checked against DuckDB's
 * (a wrong answer or a failure is reported and the engine is not timed on that query); then {@code runs} timed
 * rounds follow, each running the query once on every engine, the first engine rotating from round to round.
 * Engines thus alternate query by query and run by run, so drift of a shared machine hits them alike. Every
 * timed run's answer is checked again; a run that returns a different answer turns the query into a wrong
 * answer. DuckDB is the oracle: when it is not among the engines it still runs each query once, untimed, to
 * give the expected answer.
 */
public final class TpchBenchmark {

    /**
     * What to run.
     *
     * @param scaleFactor TPC-H scale factor (data generated into {@code data} when absent)
     * @param data the directory holding one sub-directory of Parquet files per table
     * @param queries query numbers 1..22, run in this order
     * @param engines engine names ({@link Engines#NAMES}), run in this order
     * @param runs timed runs per query and engine, after one warm-up
     * @param options threads, Numbat's front end, heap
     * @param logDir where engines running in their own process write its log
     */
    public record Config(double scaleFactor, Path data, List<Integer> queries, List<String> engines, int runs,
            EngineOptions options, Path logDir) {
        public Config {
            if (!(scaleFactor > 0)) {
                throw NumbatException.userError("scale factor must be positive, got %s", scaleFactor);
            }
            Objects.requireNonNull(data, "data");
            queries = List.copyOf(queries);
            for (int q : queries) {
                if (q < 1 || q > TpchQueries.COUNT) {
                    throw NumbatException.userError("TPC-H has queries 1 to 22, not %d", q);
                }
            }
            engines = List.copyOf(new LinkedHashSet<>(engines));
            if (engines.isEmpty()) {
                throw NumbatException.userError("name at least one engine");
            }
            if (runs < 1) {
                throw NumbatException.userError("runs must be at least 1, got %d", runs);
            }
            Objects.requireNonNull(options, "options");
            Objects.requireNonNull(logDir, "logDir");
        }
    }

    private TpchBenchmark() {
    }

    /** {@code 1,3,5} or {@code all} as query numbers. */
    public static List<Integer> parseQueries(String s) {
        if (s.trim().equalsIgnoreCase("all")) {
            return java.util.stream.IntStream.rangeClosed(1, TpchQueries.COUNT).boxed().toList();
        }
        try {
            return java.util.Arrays.stream(s.split(",")).map(String::trim).map(Integer::parseInt).toList();
        } catch (NumberFormatException e) {
            throw NumbatException.userError("--queries takes 'all' or numbers such as 1,3,5, not '%s'", s);
        }
    }

    /** The scale factor as written in directory and file names: 1, 0.1, 10. */
    public static String sfLabel(double scaleFactor) {
        return new BigDecimal(Double.toString(scaleFactor)).stripTrailingZeros().toPlainString();
    }

    /** Generates the data if absent, runs the engines and returns what they measured; progress goes to {@code log}. */
    public static TpchReport run(Config config, PrintStream log) throws Exception {
        List<Engine> engines = new ArrayList<>();
        try {
            for (String name : config.engines()) {
                engines.add(Engines.create(name, config.options(), config.logDir()));
            }
        } catch (RuntimeException e) {
            for (Engine made : engines) {
                made.close();
            }
            throw e;
        }
        return run(config, engines, log);
    }

    /**
     * Runs the given engines (taking ownership: they are closed at the end) instead of creating them from
     * {@link Config#engines()}, whose names are then ignored.
     */
    public static TpchReport run(Config config, List<Engine> engines, PrintStream log) throws Exception {
        Path dir = config.data();
        if (!TpchDatagen.exists(dir)) {
            log.printf("generating TPC-H sf %s as Parquet into %s ...%n", sfLabel(config.scaleFactor()), dir);
            try (NumbatContext ctx = NumbatContext.local(config.options().threads())) {
                TpchDatagen.generate(ctx, config.scaleFactor(), TpchDatagen.Format.PARQUET, dir, List.of(),
                        r -> log.printf(Locale.ROOT, "  %-9s %,12d rows %6.1f s%n", r.table(), r.rows(),
                                r.millis() / 1e3));
            }
        }
        Map<String, String> env = new LinkedHashMap<>();
        env.put("date", Instant.now().toString());
        env.put("machine", Runtime.getRuntime().availableProcessors() + " cores, "
                + (osMemory() >> 30) + " GB memory, Java " + System.getProperty("java.version") + ", "
                + System.getProperty("os.name") + " " + System.getProperty("os.arch"));
        env.put("scale factor", sfLabel(config.scaleFactor()));
        env.put("data", dir.toAbsolutePath().toString());
        env.put("threads", Integer.toString(config.options().threads()));
        env.put("heap", (config.options().heapBytes() >> 20) + " MB per JVM");
        env.put("runs", config.runs() + " timed per query and engine, after 1 warm-up; medians reported");
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();

        List<String> names = engines.stream().map(Engine::name).toList();
        Engine oracle = null;
        try {
            for (Engine e : engines) {
                log.printf("preparing %s ...%n", e.name());
                e.prepare(dir);
                env.put("engine " + e.name(), e.description());
                log.printf("  %s%n", e.description());
            }
            oracle = engines.stream().filter(e -> e.name().equals("duckdb")).findFirst().orElse(null);
            boolean ownOracle = oracle == null;
            if (ownOracle) {
                oracle = new DuckDbEngine(config.options().threads());
                oracle.prepare(dir);
                env.put("oracle", oracle.description() + ", untimed");
            }
            log.printf("TPC-H sf %s, engines %s, %d timed runs each after a warm-up, %d threads%n",
                    sfLabel(config.scaleFactor()), String.join(", ", names), config.runs(),
                    config.options().threads());
            List<TpchReport.QueryResult> results = new ArrayList<>();
            for (int q : config.queries()) {
                TpchReport.QueryResult r = runQuery(q, engines, ownOracle ? oracle : null, config.runs(), log);
                results.add(r);
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  Q%-3d", q));
                r.byEngine().forEach((name, er) -> line.append(er.ok()
                        ? String.format(Locale.ROOT, "  %s %.1f ms", name, er.median())
                        : String.format(Locale.ROOT, "  %s %s", name, er.status())));
                log.println(line);
            }
            env.put("load", String.format(Locale.ROOT, "%.2f at the start, %.2f at the end (1-minute load average)",
                    loadAtStart, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
            return new TpchReport(env, names, results);
        } finally {
            List<Engine> all = new ArrayList<>(engines);
            if (oracle != null && !engines.contains(oracle)) {
                all.add(oracle);
            }
            for (Engine e : all) {
                try {
                    e.close();
                } catch (Exception ex) {
                    log.printf("closing %s failed: %s%n", e.name(), ex);
                }
            }
        }
    }

    private static TpchReport.QueryResult runQuery(int q, List<Engine> engines, Engine separateOracle, int runs,
            PrintStream log) {
        Map<String, String> status = new LinkedHashMap<>();
        Map<String, List<Double>> times = new LinkedHashMap<>();
        List<List<Object>> expected = null;
        String oracleProblem = null;
        if (separateOracle != null) {
            try {
                expected = separateOracle.run(q).rows();
            } catch (Exception e) {
                oracleProblem = "no reference answer: DuckDB failed: " + firstLine(e);
            }
        }
        // Warm-up, which is also the first answer check. DuckDB, the oracle when it is an engine, goes first.
        List<Engine> order = new ArrayList<>(engines);
        order.sort((a, b) -> Boolean.compare(!a.name().equals("duckdb"), !b.name().equals("duckdb")));
        Map<String, List<List<Object>>> warm = new LinkedHashMap<>();
        for (Engine e : order) {
            times.put(e.name(), new ArrayList<>());
            try {
                List<List<Object>> rows = e.run(q).rows();
                warm.put(e.name(), rows);
                if (e.name().equals("duckdb") && separateOracle == null) {
                    expected = rows;
                }
            } catch (Exception ex) {
                status.put(e.name(), "ERROR: " + firstLine(ex));
                log.printf("  Q%d %s failed: %s%n", q, e.name(), ex);
                if (e.name().equals("duckdb") && separateOracle == null) {
                    oracleProblem = "no reference answer: DuckDB failed: " + firstLine(ex);
                }
            }
        }
        for (Engine e : engines) {
            if (!status.containsKey(e.name())) {
                status.put(e.name(), oracleProblem != null ? oracleProblem : check(expected, warm.get(e.name())));
            }
        }
        for (int round = 0; round < runs; round++) {
            for (int k = 0; k < engines.size(); k++) {
                Engine e = engines.get((round + k) % engines.size());
                if (!status.get(e.name()).equals(TpchReport.OK)) {
                    continue;
                }
                try {
                    Engine.Execution x = e.run(q);
                    String s = check(expected, x.rows());
                    if (s.equals(TpchReport.OK)) {
                        times.get(e.name()).add(x.millis());
                    } else {
                        status.put(e.name(), s + " (in timed run " + (round + 1) + ")");
                    }
                } catch (Exception ex) {
                    status.put(e.name(), "ERROR in timed run " + (round + 1) + ": " + firstLine(ex));
                }
            }
        }
        Map<String, TpchReport.EngineResult> byEngine = new LinkedHashMap<>();
        for (Engine e : engines) {
            double[] ms = times.get(e.name()).stream().mapToDouble(Double::doubleValue).toArray();
            byEngine.put(e.name(), new TpchReport.EngineResult(status.get(e.name()), ms));
        }
        return new TpchReport.QueryResult(q, byEngine);
    }

    private static String check(List<List<Object>> expected, List<List<Object>> actual) {
        // An empty answer can be right: Q11's validation parameter (0.0001, meant as 0.0001 / SF) selects nothing
        // above SF 1. Agreeing on no rows is agreeing.
        String diff = Answers.difference(expected, actual);
        return diff == null ? TpchReport.OK : "WRONG: " + diff.lines().findFirst().orElse("");
    }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.toString() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    private static long osMemory() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getTotalMemorySize();
        }
        return 0;
    }
}
