package dev.numbat.cli;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.client.NumbatContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code numbat datagen tpch ...}: generates benchmark data sets as Numbat jobs. */
@Command(name = "datagen", description = "Generate benchmark data sets.",
        subcommands = {DatagenCommand.Tpch.class})
final class DatagenCommand {

    @Command(name = "tpch", mixinStandardHelpOptions = true,
            description = "Generate the 8 TPC-H tables (one directory per table, one file per channel).")
    static final class Tpch implements Callable<Integer> {
        @Option(names = "--sf", defaultValue = "1", description = "Scale factor (1 = about 1 GB of text). Default: ${DEFAULT-VALUE}.")
        double scaleFactor;

        @Option(names = "--format", defaultValue = "parquet", description = "parquet, csv or arrow. Default: ${DEFAULT-VALUE}.")
        String format;

        @Option(names = "--out", required = true, description = "Output directory.")
        Path out;

        @Option(names = "--tables", split = ",", description = "Only these tables (comma separated).")
        List<String> tables = new ArrayList<>();

        @Option(names = "--threads", description = "Worker threads (default: one per core).")
        Integer threads;

        @Override
        public Integer call() {
            TpchDatagen.Format f = TpchDatagen.Format.parse(format);
            long start = System.nanoTime();
            try (NumbatContext ctx = threads == null ? NumbatContext.local() : NumbatContext.local(threads)) {
                System.out.printf("generating TPC-H sf %s as %s into %s%n", scaleFactor, f.name().toLowerCase(), out);
                TpchDatagen.generate(ctx, scaleFactor, f, out, tables, r -> System.out.printf(
                        "  %-9s %,12d rows  %2d files  %6.2f s%n", r.table(), r.rows(), r.files(), r.millis() / 1000.0));
            }
            System.out.printf("done in %.2f s%n", (System.nanoTime() - start) / 1e9);
            return 0;
        }
    }
}
