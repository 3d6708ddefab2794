package dev.numbat.cli;

import dev.numbat.bench.engine.EngineOptions;
import dev.numbat.bench.runner.TpchBenchmark;
import dev.numbat.bench.runner.TpchReport;
import dev.numbat.bench.scan.ScanBenchmark;
import dev.numbat.bench.scan.ScanReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code numbat bench ...}: benchmarks that compare Numbat with peer engines and print figures. */
@Command(name = "bench", description = "Run benchmarks against peer engines (figures, not pass/fail).",
        subcommands = {BenchCommand.Scan.class, BenchCommand.Tpch.class, BenchCommand.Kernels.class, BenchCommand.Exchange.class,
                BenchCommand.Scaling.class})
final class BenchCommand {

    @Command(name = "scan", mixinStandardHelpOptions = true,
            description = {"Scan throughput of Numbat and DuckDB over the same CSV and Parquet files: all columns, "
                    + "and a projection of two numeric columns. Each engine is warmed up once, then the engines "
                    + "take turns for --runs timed runs; prints median and best time, rows/s, MB/s and the ratio "
                    + "Numbat/DuckDB.",
                    "Without --csv and --parquet it reads TPC-H lineitem at --sf from data/tpch-sf<SF>-csv and "
                    + "data/tpch-sf<SF>, generating them first if they are missing."})
    static final class Scan implements Callable<Integer> {
        @Option(names = "--sf", defaultValue = "1",
                description = "TPC-H scale factor of the default data. Default: ${DEFAULT-VALUE}.")
        double scaleFactor;

        @Option(names = "--csv", description = "CSV file, directory or glob (with a header line, ',' delimiter).")
        String csv;

        @Option(names = "--parquet", description = "Parquet file, directory or glob.")
        String parquet;

        @Option(names = "--runs", defaultValue = "3", description = "Timed runs per engine. Default: ${DEFAULT-VALUE}.")
        int runs;

        @Option(names = "--threads",
                description = "Worker threads for Numbat and DuckDB's threads setting (default: one per core).")
        Integer threads;

        @Option(names = "--channels",
                description = "Also measure Numbat with this many reader channels (default channels: one per thread).")
        Integer channels;

        @Option(names = "--columns", split = ",", defaultValue = "l_quantity,l_extendedprice",
                description = "Columns of the projected case. Default: ${DEFAULT-VALUE}.")
        List<String> columns;

        @Option(names = "--data", defaultValue = "data",
                description = "Where the default TPC-H data lives. Default: ${DEFAULT-VALUE}.")
        Path data;

        @Option(names = "--out", description = "Also write the results to this file: JSON if it ends in .json, else CSV.")
        Path out;

        @Override
        public Integer call() throws Exception {
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            ScanBenchmark.Config config = new ScanBenchmark.Config(scaleFactor, csv, parquet, runs, t, channels,
                    columns, data);
            ScanReport report = ScanBenchmark.run(config, System.out);
            System.out.println();
            System.out.print(report.format());
            if (out != null) {
                boolean json = out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(".json");
                Path parent = out.toAbsolutePath().getParent();
                if (parent != null) {
                    Files.createDirectories(parent);
                }
                Files.writeString(out, json ? report.toJson() : report.toCsv());
                System.out.printf("results written to %s%n", out);
            }
            if (!report.problems().isEmpty()) {
                // Figures from engines that disagree on the data, or that failed, are not worth a green exit.
                System.err.printf("bench scan: %d problem(s), listed at the end of the table%n",
                        report.problems().size());
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "tpch", mixinStandardHelpOptions = true,
            description = {"TPC-H on several engines over the same Parquet files (generated if absent). Each query "
                    + "is run once per engine to warm up, then --runs timed rounds alternate the engines; every "
                    + "answer is checked against DuckDB's, and a wrong answer or failure is reported, never timed.",
                    "Prints per-query medians, ratios to Numbat and geometric means, and writes "
                    + "<out>/tpch-sf<SF>.csv, .json and .png (a bar chart, log scale).",
                    "Engines: numbat (embedded), numbat-cluster (a scheduler and one 1-slot executor process per thread started for the run, or --cluster), duckdb (JDBC, threads=T), "
                    + "spark (Spark SQL local[T] in its own JVM; the ./numbat launcher builds it with -Ppeers "
                    + "when asked)."})
    static final class Tpch implements Callable<Integer> {
        @Option(names = "--sf", defaultValue = "1", description = "Scale factor. Default: ${DEFAULT-VALUE}.")
        double scaleFactor;

        @Option(names = "--engines", split = ",", defaultValue = "numbat,duckdb",
                description = "Engines to run: numbat, numbat-cluster, duckdb, spark. Default: ${DEFAULT-VALUE}.")
        List<String> engines;

        @Option(names = "--api", defaultValue = "sql",
                description = "Numbat's front end: sql (the same text the peers run) or dataframe. Default: ${DEFAULT-VALUE}.")
        String api;

        @Option(names = "--queries", defaultValue = "all", description = "all, or a list such as 1,3,5. Default: ${DEFAULT-VALUE}.")
        String queries;

        @Option(names = "--runs", defaultValue = "3", description = "Timed runs per engine and query. Default: ${DEFAULT-VALUE}.")
        int runs;

        @Option(names = "--threads", description = "Threads for every engine (default: one per core).")
        Integer threads;

        @Option(names = "--data", description = "Data directory (default: data/tpch-sf<SF>).")
        Path data;

        @Option(names = "--out", defaultValue = "bench-results",
                description = "Directory for the CSV, JSON and PNG results. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Option(names = "--cluster", description = "host:port of the Numbat cluster for engine numbat-cluster.")
        String cluster;

        @Option(names = "--mode", description = "Shorthand for the Numbat engines: embedded, cluster or both "
                + "(numbat, numbat-cluster or the two); overrides --engines.")
        String mode;

        @Override
        public Integer call() throws Exception {
            if (mode != null) {
                engines = switch (mode) {
                    case "embedded" -> List.of("numbat");
                    case "cluster" -> List.of("numbat-cluster");
                    case "both" -> List.of("numbat", "numbat-cluster");
                    default -> throw dev.numbat.core.NumbatException.userError(
                            "unknown --mode '%s': use embedded, cluster or both", mode);
                };
            }
            String sf = TpchBenchmark.sfLabel(scaleFactor);
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            EngineOptions options = EngineOptions.of(t).withApi(EngineOptions.Api.parse(api)).withCluster(cluster);
            TpchBenchmark.Config config = new TpchBenchmark.Config(scaleFactor,
                    data != null ? data : Path.of("data", "tpch-sf" + sf), TpchBenchmark.parseQueries(queries),
                    engines.stream().map(String::trim).toList(), runs, options, out);
            TpchReport report = TpchBenchmark.run(config, System.out);
            System.out.println();
            System.out.print(report.format());
            for (Path p : report.write(out, "tpch-sf" + sf)) {
                System.out.printf("wrote %s%n", p);
            }
            if (!report.allAnswersChecked()) {
                System.err.printf("bench tpch: %d problem(s), listed under the table%n", report.problems().size());
                return 1;
            }
            return 0;
        }
    }

    @Command(name = "kernels",
            description = {"JMH micro-benchmarks of the hot kernels on one thread each: hash aggregate, hash join "
                    + "probe, filter on decimals and strings, CSV parsing, Parquet decoding. Prints JMH's report, "
                    + "then rows/s and MB/s per core for each kernel.",
                    "Any other arguments go to JMH as they are (e.g. `-f 1 -wi 2 -i 3 FilterKernel`; `-h` lists "
                    + "JMH's options). Default: all kernels, 1 fork, 3 warm-up and 5 measured iterations."})
    static final class Kernels implements Callable<Integer> {
        @Option(names = "--out", defaultValue = "bench-results/kernels-jmh.json",
                description = "JMH's JSON result file (unless -rff is given). Default: ${DEFAULT-VALUE}.")
        Path out;

        @picocli.CommandLine.Unmatched
        List<String> jmhArgs = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            var results = dev.numbat.bench.jmh.Kernels.run(jmhArgs.toArray(String[]::new), out, System.out);
            System.out.println();
            System.out.print(dev.numbat.bench.jmh.Kernels.format(results));
            return results.isEmpty() ? 1 : 0;
        }
    }

    @Command(name = "scaling", mixinStandardHelpOptions = true,
            description = {"TPC-H at several scale factors (`bench tpch` once per scale factor, data in "
                    + "<data>/tpch-sf<SF>, generated when absent): each run's table and files, then time against "
                    + "scale factor in <out>/scaling.csv, scaling.png (geometric means per engine) and "
                    + "scaling-queries.png (each query on the first engine)."})
    static final class Scaling implements Callable<Integer> {
        @Option(names = "--sf", split = ",", defaultValue = "0.1,1,10",
                description = "Scale factors. Default: ${DEFAULT-VALUE}.")
        List<Double> scaleFactors;

        @Option(names = "--engines", split = ",", defaultValue = "numbat,duckdb",
                description = "Engines: numbat, numbat-cluster, duckdb, spark. Default: ${DEFAULT-VALUE}.")
        List<String> engines;

        @Option(names = "--api", defaultValue = "sql", description = "Numbat's front end: sql or dataframe. Default: ${DEFAULT-VALUE}.")
        String api;

        @Option(names = "--queries", defaultValue = "all", description = "all, or a list such as 1,3,5. Default: ${DEFAULT-VALUE}.")
        String queries;

        @Option(names = "--runs", defaultValue = "3", description = "Timed runs per engine and query. Default: ${DEFAULT-VALUE}.")
        int runs;

        @Option(names = "--threads", description = "Threads for every engine (default: one per core).")
        Integer threads;

        @Option(names = "--data", defaultValue = "data", description = "Where tpch-sf<SF> directories live. Default: ${DEFAULT-VALUE}.")
        Path data;

        @Option(names = "--out", defaultValue = "bench-results", description = "Results directory. Default: ${DEFAULT-VALUE}.")
        Path out;

        @Option(names = "--cluster", description = "host:port of the Numbat cluster for engine numbat-cluster.")
        String cluster;

        @Override
        public Integer call() throws Exception {
            int t = threads == null ? Runtime.getRuntime().availableProcessors() : threads;
            EngineOptions options = EngineOptions.of(t).withApi(EngineOptions.Api.parse(api)).withCluster(cluster);
            var reports = dev.numbat.bench.runner.TpchScaling.run(new dev.numbat.bench.runner.TpchScaling.Config(
                    scaleFactors, data, TpchBenchmark.parseQueries(queries), engines.stream().map(String::trim).toList(),
                    runs, options, out), System.out);
            System.out.printf("wrote %s, %s and %s%n", out.resolve("scaling.csv"), out.resolve("scaling.png"),
                    out.resolve("scaling-queries.png"));
            return reports.values().stream().allMatch(TpchReport::allAnswersChecked) ? 0 : 1;
        }
    }

    @Command(name = "exchange", mixinStandardHelpOptions = true,
            description = "Arrow Flight exchange throughput between two executors' exchange services over loopback.")
    static final class Exchange implements Callable<Integer> {
        @Option(names = "--mib", defaultValue = "512", description = "MiB moved per case. Default: ${DEFAULT-VALUE}.")
        long mib;

        @Override
        public Integer call() throws Exception {
            System.out.print(dev.numbat.cluster.exchange.ExchangeBenchmark.run(mib << 20));
            return 0;
        }
    }
}
