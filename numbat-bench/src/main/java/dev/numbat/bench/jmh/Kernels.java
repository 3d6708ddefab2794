package dev.numbat.bench.jmh;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.results.format.ResultFormatType;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.CommandLineOptions;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.VerboseMode;
import org.openjdk.jmh.runner.format.OutputFormatFactory;

/**
 * Runs the JMH kernel benchmarks of this package and sums them up as rows per second per core. Every kernel
 * runs on one thread, so its rates are per core. A benchmark: it reports and asserts nothing.
 */
public final class Kernels {
    private Kernels() {
    }

    /** One kernel result: operations, rows and bytes per second on one core. */
    public record KernelResult(String kernel, String params, double opsPerSecond, double rowsPerSecond,
            double bytesPerSecond) {
    }

    /**
     * Runs the kernels with JMH, {@code jmhArgs} as JMH's own command line ({@code -h} lists it; e.g.
     * {@code -f 1 -wi 2 -i 3 FilterKernel}). Without a benchmark pattern all kernels of this package run; without
     * {@code -rf/-rff} JMH's JSON result goes to {@code resultFile}.
     */
    public static List<KernelResult> run(String[] jmhArgs, Path resultFile, PrintStream out) throws Exception {
        CommandLineOptions cli = new CommandLineOptions(jmhArgs);
        ChainedOptionsBuilder options = new OptionsBuilder().parent(cli);
        if (cli.getIncludes().isEmpty()) {
            options.include(Kernels.class.getPackageName() + "\\..*Kernel");
        }
        if (!cli.getResult().hasValue()) {
            Path parent = resultFile.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            options.result(resultFile.toString()).resultFormat(ResultFormatType.JSON);
        }
        VerboseMode verbose = cli.verbosity().orElse(VerboseMode.NORMAL);
        Collection<RunResult> results = new Runner(options.build(), OutputFormatFactory.createFormatInstance(out,
                verbose)).run();
        List<KernelResult> summary = new ArrayList<>();
        for (RunResult r : results) {
            String name = r.getParams().getBenchmark();
            name = name.substring(name.lastIndexOf('.', name.lastIndexOf('.') - 1) + 1);
            List<String> params = new ArrayList<>();
            for (String k : r.getParams().getParamsKeys()) {
                params.add(k + "=" + r.getParams().getParam(k));
            }
            Map<String, Result> secondary = r.getSecondaryResults();
            summary.add(new KernelResult(name, String.join(",", params), r.getPrimaryResult().getScore(),
                    score(secondary.get("rows")), score(secondary.get("bytes"))));
        }
        return summary;
    }

    private static double score(Result r) {
        return r == null ? Double.NaN : r.getScore();
    }

    /** The summary table: one line per kernel and parameter set. */
    public static String format(List<KernelResult> results) {
        StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%-36s %-22s %12s %16s %12s%n", "kernel",
                "params", "ops/s", "M rows/s/core", "MB/s/core"));
        for (KernelResult r : results) {
            sb.append(String.format(Locale.ROOT, "%-36s %-22s %12.1f %16.2f %12.1f%n", r.kernel(), r.params(),
                    r.opsPerSecond(), r.rowsPerSecond() / 1e6, r.bytesPerSecond() / 1e6));
        }
        return sb.toString();
    }
}
