package dev.numbat.bench.datagen;

import dev.numbat.bench.tpch.TpchSource;
import dev.numbat.bench.tpch.TpchTables;
import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import dev.numbat.client.WriteResult;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.io.write.CsvWriteOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Writes the TPC-H tables as Numbat jobs: each table is a {@link TpchSource} read by parallel channels, each
 * channel writing its own file into {@code out/<table>/}.
 */
public final class TpchDatagen {

    /** File formats the generator writes. */
    public enum Format {
        PARQUET, CSV, ARROW;

        public static Format parse(String s) {
            try {
                return valueOf(s.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw NumbatException.userError("unknown format '%s': use parquet, csv or arrow", s);
            }
        }
    }

    /** One table's outcome. */
    public record TableResult(String table, long rows, int files, long millis) {
    }

    private TpchDatagen() {
    }

    /**
     * Generates {@code tables} (all 8 when empty) at {@code scaleFactor} into {@code out}, replacing earlier
     * output of the same tables; {@code progress} hears about each finished table.
     */
    public static List<TableResult> generate(NumbatContext ctx, double scaleFactor, Format format, Path out,
            List<String> tables, Consumer<TableResult> progress) {
        if (!(scaleFactor > 0)) {
            throw NumbatException.userError("scale factor must be positive, got %s", scaleFactor);
        }
        List<String> names = tables.isEmpty() ? TpchTables.NAMES : tables;
        List<TableResult> results = new ArrayList<>();
        for (String table : names) {
            long start = System.nanoTime();
            Path dir = out.resolve(table);
            clearGeneratedFiles(dir);
            DataStream rows = ctx.read(new TpchSource(table, scaleFactor));
            WriteResult written = switch (format) {
                case PARQUET -> rows.writeParquet(dir.toString());
                case CSV -> rows.writeCsv(dir.toString(), CsvWriteOptions.DEFAULT);
                case ARROW -> rows.writeArrow(dir.toString());
            };
            TableResult r = new TableResult(table, written.rows(), written.files().size(),
                    (System.nanoTime() - start) / 1_000_000);
            results.add(r);
            progress.accept(r);
        }
        return results;
    }

    /** True when every table has a directory with at least one data file in it. */
    public static boolean exists(Path out) {
        for (String table : TpchTables.NAMES) {
            Path dir = out.resolve(table);
            try (Stream<Path> files = Files.isDirectory(dir) ? Files.list(dir) : Stream.empty()) {
                if (files.noneMatch(p -> p.getFileName().toString().startsWith("part-"))) {
                    return false;
                }
            } catch (IOException e) {
                return false;
            }
        }
        return true;
    }

    /** Removes earlier generated files of a table; refuses to touch a directory holding anything else. */
    public static void clearGeneratedFiles(Path dir) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> all = files.toList();
            for (Path p : all) {
                String name = p.getFileName().toString();
                if (!name.startsWith("part-") && !name.startsWith(".part-")) {
                    throw NumbatException.userError("%s holds %s, which datagen did not write; choose an empty --out",
                            dir, name);
                }
            }
            for (Path p : all) {
                Files.delete(p);
            }
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot clear " + dir + ": " + e.getMessage(), e);
        }
    }
}
