package dev.numbat.bench.scan;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import dev.numbat.core.NumbatException;
import dev.numbat.io.FilePaths;
import dev.numbat.runtime.TaskGraph;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.vector.BigIntVector;

/**
 * Scan throughput of Numbat against DuckDB on the same CSV and Parquet files: how fast each engine turns files
 * into decoded columns. A benchmark, not a test: it reports figures and never asserts a time.
 *
 * <p>For each format, two cases: all columns, and a projection (by default the two numeric columns
 * {@code l_quantity, l_extendedprice} of TPC-H lineitem). Numbat reads the files with the context's default
 * channel count (one per worker thread), and also with {@link Config#channels()} when given, and touches every
 * buffer of every column read ({@link ScanChecksum}) so lazy decoding cannot make a scan look cheaper than it
 * is. DuckDB runs an aggregate that depends on every value read (see {@link DuckDbScan} for why count alone
 * would not do). Each engine is warmed up once per case, then the engines take turns for
 * {@link Config#runs()} timed runs (the first engine rotates from run to run, so neither always runs on a
 * cache the other just warmed). Both engines must count the same rows; a difference is reported as a
 * problem, not hidden.
 *
 * <p>Files are read through the operating system's page cache: after the warm-up both engines read from
 * memory, so the figures are decoding throughput, not disk throughput.
 */
public final class ScanBenchmark {
    /** The projection used when none is given: two numeric lineitem columns (Q1 and Q6 read both). */
    public static final List<String> DEFAULT_PROJECTION = List.of("l_quantity", "l_extendedprice");

    /**
     * What to run.
     *
     * @param scaleFactor TPC-H scale factor of the default lineitem data (used when neither file set is given)
     * @param csv CSV files (file, directory or glob, with a header line), or null
     * @param parquet Parquet files (file, directory or glob), or null
     * @param runs timed runs per engine and case, after one warm-up
     * @param threads worker threads of Numbat's context and DuckDB's {@code threads} setting
     * @param channels an extra Numbat channel count to measure beside the default one, or null
     * @param projection the columns of the projected case
     * @param dataDir where default data lives ({@code <dataDir>/tpch-sf<SF>-csv}, {@code <dataDir>/tpch-sf<SF>})
     */
    public record Config(double scaleFactor, String csv, String parquet, int runs, int threads, Integer channels,
            List<String> projection, Path dataDir) {
        public Config {
            if (!(scaleFactor > 0)) {
                throw NumbatException.userError("scale factor must be positive, got %s", scaleFactor);
            }
            if (runs < 1) {
                throw NumbatException.userError("runs must be at least 1, got %d", runs);
            }
            if (threads < 1) {
                throw NumbatException.userError("threads must be at least 1, got %d", threads);
            }
            if (channels != null && channels < 1) {
                throw NumbatException.userError("channels must be at least 1, got %d", channels);
            }
            projection = List.copyOf(Objects.requireNonNull(projection, "projection"));
            if (projection.isEmpty()) {
                throw NumbatException.userError("the projected case needs at least one column");
            }
            Objects.requireNonNull(dataDir, "dataDir");
        }

        /** SF 1 lineitem in {@code ./data}, 3 runs, one thread per core, default channels only. */
        public static Config defaults() {
            return new Config(1, null, null, 3, Runtime.getRuntime().availableProcessors(), null, DEFAULT_PROJECTION,
                    Path.of("data"));
        }
    }

    /** One engine set up for one case. */
    private interface Engine {
        String name();

        String parallelism();

        String note();

        Outcome run() throws Exception;
    }

    private record Outcome(long rows, String checksum) {
    }

    private final Config config;
    private final PrintStream log;

    private ScanBenchmark(Config config, PrintStream log) {
        this.config = config;
        this.log = log;
    }

    /** Runs the benchmark, printing progress to {@code log}, and returns what it measured. */
    public static ScanReport run(Config config, PrintStream log) throws Exception {
        Objects.requireNonNull(config, "config");
        Objects.requireNonNull(log, "log");
        return new ScanBenchmark(config, log).run();
    }

    private ScanReport run() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        List<ScanReport.EngineResult> results = new ArrayList<>();
        Set<String> problems = new LinkedHashSet<>();
        double loadAtStart = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
        NumbatContext ctx = NumbatContext.local(config.threads());
        try (DuckDbScan duck = new DuckDbScan(config.threads())) {
            String csv = config.csv();
            String parquet = config.parquet();
            if (csv == null && parquet == null) {
                csv = defaultData(ctx, ScanFormat.CSV).toString();
                parquet = defaultData(ctx, ScanFormat.PARQUET).toString();
            }
            env.put("date", Instant.now().toString());
            env.put("machine", Runtime.getRuntime().availableProcessors() + " cores, Java "
                    + System.getProperty("java.version") + ", max heap "
                    + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB");
            env.put("numbat", config.threads() + " worker threads, default channels "
                    + ctx.defaultChannels() + (config.channels() == null ? "" : ", also " + config.channels()));
            env.put("duckdb", duck.version() + ", threads=" + duck.threads());
            env.put("runs", config.runs() + " timed per engine and case, after 1 warm-up");
            for (ScanFormat format : ScanFormat.values()) {
                String path = format == ScanFormat.CSV ? csv : parquet;
                if (path == null) {
                    continue;
                }
                List<Path> files = FilePaths.expand(path);
                long bytes = 0;
                for (Path f : files) {
                    bytes += Files.size(f);
                }
                env.put(format.label(), String.format("%s (%d files, %,d bytes)", path, files.size(), bytes));
                for (List<String> projection : Arrays.asList(null, config.projection())) {
                    runCase(ctx, duck, format, path, files, bytes, projection, results, problems);
                }
            }
        } finally {
            try {
                ctx.close();
            } catch (RuntimeException e) {
                // Closing checks for leaked buffers: report it with the figures rather than lose them.
                problems.add("closing Numbat's context failed: " + describe(e));
            }
        }
        // Other processes compete for the cores on a shared machine; the load says how much to trust the figures.
        env.put("load", String.format("%.2f at the start, %.2f at the end (1-minute average)", loadAtStart,
                ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage()));
        return new ScanReport(env, results, new ArrayList<>(problems));
    }

    /** {@code <dataDir>/tpch-sf<SF>[-csv]/lineitem}, generated first when it holds no data files. */
    private Path defaultData(NumbatContext ctx, ScanFormat format) {
        String sf = new BigDecimal(Double.toString(config.scaleFactor())).stripTrailingZeros().toPlainString();
        Path root = config.dataDir().resolve("tpch-sf" + sf + (format == ScanFormat.CSV ? "-csv" : ""));
        Path dir = root.resolve("lineitem");
        String suffix = "." + format.label();
        if (hasFiles(dir, suffix)) {
            return dir;
        }
        log.printf("generating TPC-H lineitem at sf %s as %s into %s ...%n", sf, format.label(), root);
        TpchDatagen.generate(ctx, config.scaleFactor(),
                format == ScanFormat.CSV ? TpchDatagen.Format.CSV : TpchDatagen.Format.PARQUET, root,
                List.of("lineitem"), r -> log.printf("  %s: %,d rows, %d files, %.1f s%n", r.table(), r.rows(),
                        r.files(), r.millis() / 1e3));
        return dir;
    }

    private static boolean hasFiles(Path dir, String suffix) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.anyMatch(p -> {
                String n = p.getFileName().toString();
                return n.startsWith("part-") && n.endsWith(suffix);
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void runCase(NumbatContext ctx, DuckDbScan duck, ScanFormat format, String path, List<Path> files,
            long bytes, List<String> projection, List<ScanReport.EngineResult> results, Set<String> problems)
            throws Exception {
        String label = projection == null ? "all" : String.join(",", projection);
        log.printf("%n== %s, columns: %s%n", format.label(), label);
        List<Engine> engines = new ArrayList<>();
        engines.add(numbat(ctx, format, path, projection, null));
        if (config.channels() != null) {
            engines.add(numbat(ctx, format, path, projection, config.channels()));
        }
        engines.add(duckdb(duck, format, files, projection));

        int n = engines.size();
        long[] rows = new long[n];
        String[] checksums = new String[n];
        String[] errors = new String[n];
        List<List<Double>> seconds = new ArrayList<>();
        List<List<Double>> cpuSeconds = new ArrayList<>();
        for (int e = 0; e < n; e++) {
            seconds.add(new ArrayList<>());
            cpuSeconds.add(new ArrayList<>());
            rows[e] = -1;
            Engine engine = engines.get(e);
            try {
                long start = System.nanoTime();
                Outcome o = engine.run();
                rows[e] = o.rows();
                checksums[e] = o.checksum();
                log.printf("  warm-up %-7s %-19s %7.3f s  %,d rows%n", engine.name(), engine.parallelism(),
                        (System.nanoTime() - start) / 1e9, o.rows());
            } catch (Exception | Error ex) {
                errors[e] = describe(ex);
                log.printf("  warm-up %-7s %-19s FAILED: %s%n", engine.name(), engine.parallelism(), errors[e]);
            }
        }
        for (int run = 0; run < config.runs(); run++) {
            for (int k = 0; k < n; k++) {
                int e = (run + k) % n;
                Engine engine = engines.get(e);
                if (errors[e] != null) {
                    continue;
                }
                try {
                    long cpuStart = processCpuNanos();
                    long start = System.nanoTime();
                    Outcome o = engine.run();
                    double s = (System.nanoTime() - start) / 1e9;
                    seconds.get(e).add(s);
                    double cpu = cpuStart < 0 ? Double.NaN : (processCpuNanos() - cpuStart) / 1e9;
                    cpuSeconds.get(e).add(cpu);
                    log.printf("  run %d   %-7s %-19s %7.3f s  (cpu %.3f s)%n", run + 1, engine.name(),
                            engine.parallelism(), s, cpu);
                    if (o.rows() != rows[e]) {
                        problems.add(String.format("%s %s: %s (%s) counted %,d rows in run %d but %,d in the warm-up",
                                format.label(), label, engine.name(), engine.parallelism(), o.rows(), run + 1, rows[e]));
                    }
                } catch (Exception | Error ex) {
                    errors[e] = describe(ex);
                    log.printf("  run %d   %-7s %-19s FAILED: %s%n", run + 1, engine.name(), engine.parallelism(),
                            errors[e]);
                }
            }
        }
        int duckIndex = n - 1;
        for (int e = 0; e < n; e++) {
            Engine engine = engines.get(e);
            if (errors[e] != null) {
                problems.add(String.format("%s %s: %s (%s) failed: %s", format.label(), label, engine.name(),
                        engine.parallelism(), errors[e]));
            }
            if (e != duckIndex && rows[e] >= 0 && rows[duckIndex] >= 0 && rows[e] != rows[duckIndex]) {
                problems.add(String.format("ROW COUNT MISMATCH %s %s: %s (%s) counted %,d rows, duckdb %,d (%+,d)",
                        format.label(), label, engine.name(), engine.parallelism(), rows[e], rows[duckIndex],
                        rows[e] - rows[duckIndex]));
                log.printf("  !!! ROW COUNT MISMATCH: %s %,d rows, duckdb %,d%n", engine.name(), rows[e],
                        rows[duckIndex]);
            }
            results.add(new ScanReport.EngineResult(format, label, engine.name(), engine.parallelism(), bytes,
                    rows[e], seconds.get(e), cpuSeconds.get(e), checksums[e], engine.note(), errors[e]));
        }
    }

    /** CPU time of this process, all threads (DuckDB's and Arrow's native ones too); -1 when unknown. */
    private static long processCpuNanos() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime();
        }
        return -1;
    }

    private static String describe(Throwable e) {
        // The first line only: allocator leak reports append a multi-line dump that breaks the table.
        String m = e.getMessage() == null ? "" : ": " + e.getMessage().strip().lines().findFirst().orElse("");
        return e.getClass().getSimpleName() + m;
    }

    private Engine numbat(NumbatContext ctx, ScanFormat format, String path, List<String> projection,
            Integer channels) {
        // The CSV reader has no projection push-down: it parses every column and the checksum reads only the
        // projected ones. Parquet prunes columns in the reader.
        boolean csv = format == ScanFormat.CSV;
        List<String> touched = csv ? projection : null;
        String note = csv && projection != null
                ? "Numbat's CSV reader has no projection push-down: it parses all columns, only the projected ones are checksummed"
                : "";
        // Planning the stream once tells the channel count the runtime will use (at most one per split).
        String used;
        try {
            used = Integer.toString(sourceChannels(stream(ctx, format, path, projection, channels)));
        } catch (RuntimeException e) {
            used = "?"; // the warm-up run fails the same way and reports it
        }
        String parallelism = "threads=" + ctx.defaultChannels() + " ch=" + used;
        return new Engine() {
            @Override
            public String name() {
                return "numbat";
            }

            @Override
            public String parallelism() {
                return parallelism;
            }

            @Override
            public String note() {
                return note;
            }

            @Override
            public Outcome run() {
                // A new stream per run: the CSV schema is inferred again each time, as DuckDB sniffs again.
                DataStream s = stream(ctx, format, path, projection, channels);
                long[] acc = new long[3];
                s.transform(new ScanChecksum(touched)).forEachBatch(b -> {
                    for (int r = 0; r < b.getRowCount(); r++) {
                        for (int c = 0; c < 3; c++) {
                            acc[c] += ((BigIntVector) b.getVector(c)).get(r);
                        }
                    }
                });
                return new Outcome(acc[0], String.format("bytes=%d sum=%d", acc[1], acc[2]));
            }
        };
    }

    private static DataStream stream(NumbatContext ctx, ScanFormat format, String path, List<String> projection,
            Integer channels) {
        DataStream s = switch (format) {
            case CSV -> ctx.readCsv(path);
            case PARQUET -> projection == null ? ctx.readParquet(path) : ctx.readParquet(path, projection);
        };
        return channels == null ? s : s.withChannels(channels);
    }

    private static int sourceChannels(DataStream s) {
        for (TaskGraph.Node node : s.plan().nodes()) {
            if (node.isSource()) {
                return node.channels();
            }
        }
        return -1;
    }

    private static Engine duckdb(DuckDbScan duck, ScanFormat format, List<Path> files, List<String> projection) {
        String sql;
        Exception failed = null;
        try {
            sql = duck.query(DuckDbScan.tableFunction(format, files), projection);
        } catch (Exception e) {
            sql = null;
            failed = e; // reported by the warm-up run, like any other failure
        }
        String query = sql;
        Exception planning = failed;
        String parallelism = "threads=" + duck.threads();
        return new Engine() {
            @Override
            public String name() {
                return "duckdb";
            }

            @Override
            public String parallelism() {
                return parallelism;
            }

            @Override
            public String note() {
                return "";
            }

            @Override
            public Outcome run() throws Exception {
                if (planning != null) {
                    throw planning;
                }
                DuckDbScan.Outcome o = duck.run(query);
                return new Outcome(o.rows(), o.checksum());
            }
        };
    }
}
