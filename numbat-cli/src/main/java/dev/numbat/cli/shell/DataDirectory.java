package dev.numbat.cli.shell;

import dev.numbat.client.NumbatContext;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Registers the tables of a data directory: each Parquet or CSV file in it is a table named after the file
 * (without its extension), and each sub-directory is a table named after the directory, in the format of the
 * files it holds ({@code data/tpch-sf1/lineitem/part-*.parquet} is table {@code lineitem}). Entries whose
 * names start with {@code .} or {@code _} are skipped, as are entries with no data files.
 */
public final class DataDirectory {
    /** A table found in the directory. */
    public record Table(String name, Path path, String format) {
    }

    private DataDirectory() {
    }

    /** The tables in {@code dir}, sorted by name. */
    public static List<Table> scan(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw NumbatException.userError("--data %s: not a directory", dir);
        }
        List<Table> tables = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            for (Path p : entries.sorted().toList()) {
                String file = p.getFileName().toString();
                if (file.startsWith(".") || file.startsWith("_")) {
                    continue;
                }
                if (Files.isDirectory(p)) {
                    String format = formatOfDirectory(p);
                    if (format != null) {
                        tables.add(new Table(file, p, format));
                    }
                } else {
                    String format = formatOf(file);
                    if (format != null) {
                        tables.add(new Table(file.substring(0, file.lastIndexOf('.')), p, format));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return tables;
    }

    /** Registers every table of {@code dir} in {@code context}; returns them. */
    public static List<Table> register(NumbatContext context, Path dir) {
        List<Table> tables = scan(dir);
        for (Table t : tables) {
            if (t.format().equals("parquet")) {
                context.registerParquet(t.name(), t.path().toString());
            } else {
                context.registerCsv(t.name(), t.path().toString());
            }
        }
        return tables;
    }

    private static String formatOf(String file) {
        String lower = file.toLowerCase(Locale.ROOT);
        if (lower.endsWith(".parquet")) {
            return "parquet";
        }
        if (lower.endsWith(".csv")) {
            return "csv";
        }
        return null;
    }

    /** Parquet if the directory holds Parquet files (at any depth), else CSV if it holds CSV files. */
    private static String formatOfDirectory(Path dir) {
        boolean csv = false;
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String format = formatOf(f.getFileName().toString());
                if ("parquet".equals(format)) {
                    return format;
                }
                csv |= "csv".equals(format);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return csv ? "csv" : null;
    }
}
