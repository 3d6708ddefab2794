package dev.numbat.cli;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.bench.taxi.TaxiSource;
import dev.numbat.client.WriteResult;
import dev.numbat.client.NumbatContext;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code numbat datagen tpch ...}: generates benchmark data sets as Numbat jobs. */
@Command(name = "datagen", description = "Generate benchmark data sets.",
        subcommands = {DatagenCommand.Tpch.class, DatagenCommand.Taxi.class})
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

    @Command(name = "taxi", mixinStandardHelpOptions = true,
            description = "Generate an NYC-taxi-like trips table as Parquet (one file per channel).")
    static final class Taxi implements Callable<Integer> {
        @Option(names = "--rows", defaultValue = "10000000", description = "Rows to generate. Default: ${DEFAULT-VALUE}.")
        long rows;

        @Option(names = "--seed", defaultValue = "42", description = "Random seed. Default: ${DEFAULT-VALUE}.")
        long seed;

        @Option(names = "--out", required = true, description = "Output directory (the table's files go straight in it).")
        Path out;

        @Override
        public Integer call() {
            long start = System.nanoTime();
            try (NumbatContext ctx = NumbatContext.local()) {
                TpchDatagen.clearGeneratedFiles(out);
                WriteResult r = ctx.read(new TaxiSource(rows, seed)).writeParquet(out.toString());
                System.out.printf("wrote %,d rows in %d files to %s in %.2f s%n", r.rows(), r.files().size(), out,
                        (System.nanoTime() - start) / 1e9);
            }
            return 0;
        }
    }
}
