package dev.numbat.io.parquet;

import dev.numbat.core.batch.Batches;
import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Scan throughput of {@link ParquetSource} next to DuckDB (2 threads) on the same file. Not a test: it prints
 * figures and asserts nothing. Usage: {@code ParquetScanThroughput [file.parquet]}; without an argument it
 * generates a 5-million-row file of mixed types with DuckDB (kept in the temp directory for reuse).
 */
public final class ParquetScanThroughput {
    private ParquetScanThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path file;
        if (args.length > 0) {
            file = Path.of(args[0]);
        } else {
            file = Path.of(System.getProperty("java.io.tmpdir"), "numbat-scan-5m.parquet");
            if (!Files.exists(file)) {
                try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
                    st.execute("COPY (SELECT i::BIGINT AS id, (i % 50 + 1)::INTEGER AS qty, "
                            + "((i * 7919) % 10000000 / 100.0)::DECIMAL(15,2) AS price, "
                            + "DATE '1992-01-01' + (i % 2500)::INTEGER AS ship, (i % 11) / 100.0 AS disc, "
                            + "'comment ' || (i * 31 % 100003)::VARCHAR AS note "
                            + "FROM range(0, 5000000) t(i)) TO '" + file + "' (FORMAT PARQUET)");
                }
            }
        }
        double mb = Files.size(file) / 1e6;
        System.out.printf("file %s: %.1f MB%n", file, mb);
        ParquetSource all = new ParquetSource(file.toString()).withRowGroupSplitBytes(0);
        List<String> names = all.schema().getFields().stream().map(f -> f.getName()).toList();
        List<String> two = names.subList(0, Math.min(2, names.size()));
        try (BufferAllocator allocator = new RootAllocator()) {
            report("numbat ParquetSource, all " + names.size() + " columns", all, allocator, mb);
            report("numbat ParquetSource, columns " + two, all.withColumns(two), allocator, mb);
            // The pure-Java row-group reader: the same file as 4 row-group splits, read on 2 threads.
            List<Split> groups = all.plan(4).splits();
            report("java row groups (" + groups.size() + " splits, 2 threads), all columns", all, groups, 2,
                    allocator, mb);
            report("java row groups (" + groups.size() + " splits, 1 thread), all columns", all, groups, 1,
                    allocator, mb);
            ParquetSource twoCols = all.withColumns(two);
            report("java row groups (2 threads), columns " + two, twoCols, twoCols.plan(4).splits(), 2, allocator, mb);
            List<Split> whole = all.plan(1).splits();
            report("native whole file (" + whole.size() + " split), all columns", all, whole, 1, allocator, mb);
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:"); Statement st = c.createStatement()) {
            st.execute("SET threads=2");
            // Aggregates that read every value (count(col) would be answered from Parquet statistics).
            duck("DuckDB count(*), sum(...) over all columns", c,
                    "SELECT count(*), " + aggregates(all, names) + " FROM read_parquet('" + file + "')", mb);
            duck("DuckDB count(*), sum(...) over " + two, c,
                    "SELECT count(*), " + aggregates(all, two) + " FROM read_parquet('" + file + "')", mb);
        }
    }

    /** sum(col) for numeric columns, sum(hash(col)) for the others. */
    private static String aggregates(ParquetSource source, List<String> columns) {
        return String.join(", ", columns.stream().map(n -> {
            var type = source.schema().findField(n).getType();
            boolean numeric = type instanceof org.apache.arrow.vector.types.pojo.ArrowType.Int
                    || type instanceof org.apache.arrow.vector.types.pojo.ArrowType.FloatingPoint
                    || type instanceof org.apache.arrow.vector.types.pojo.ArrowType.Decimal;
            return numeric ? "sum(\"" + n + "\")" : "sum(hash(\"" + n + "\"))";
        }).toList());
    }

    /** Reads {@code splits} on {@code threads} threads (each split on one thread), best of 3 after a warm-up. */
    private static void report(String what, Source source, List<Split> splits, int threads, BufferAllocator allocator,
            double fileMb) throws Exception {
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(threads);
        try {
            long best = Long.MAX_VALUE;
            long rows = 0;
            for (int run = 0; run < 4; run++) {
                long start = System.nanoTime();
                List<java.util.concurrent.Future<Long>> parts = new java.util.ArrayList<>();
                for (Split split : splits) {
                    parts.add(pool.submit(() -> {
                        long n = 0;
                        try (BufferAllocator a = allocator.newChildAllocator("scan", 0, Long.MAX_VALUE);
                                SplitReader reader = source.open(split, a)) {
                            VectorSchemaRoot b;
                            while ((b = reader.next()) != null) {
                                n += b.getRowCount();
                                b.close();
                            }
                        }
                        return n;
                    }));
                }
                rows = 0;
                for (var f : parts) {
                    rows += f.get();
                }
                long t = System.nanoTime() - start;
                if (run > 0) {
                    best = Math.min(best, t);
                }
            }
            double s = best / 1e9;
            System.out.printf("%-55s %,d rows in %.3f s: %,.0f rows/s, %.0f MB/s of file%n", what, rows, s, rows / s,
                    fileMb / s);
        } finally {
            pool.shutdown();
        }
    }

    private static void report(String what, Source source, BufferAllocator allocator, double fileMb) {
        long best = Long.MAX_VALUE;
        long rows = 0;
        long arrowBytes = 0;
        for (int run = 0; run < 4; run++) { // the first run warms up
            long start = System.nanoTime();
            rows = 0;
            arrowBytes = 0;
            for (Split split : source.splits(1)) {
                try (SplitReader reader = source.open(split, allocator)) {
                    VectorSchemaRoot b;
                    while ((b = reader.next()) != null) {
                        rows += b.getRowCount();
                        arrowBytes += Batches.sizeBytes(b);
                        b.close();
                    }
                }
            }
            long t = System.nanoTime() - start;
            if (run > 0) {
                best = Math.min(best, t);
            }
        }
        double s = best / 1e9;
        System.out.printf("%-55s %,d rows in %.3f s: %,.0f rows/s, %.0f MB/s of file, %.0f MB/s of Arrow data%n",
                what, rows, s, rows / s, fileMb / s, arrowBytes / 1e6 / s);
    }

    private static void duck(String what, Connection c, String sql, double fileMb) throws Exception {
        long best = Long.MAX_VALUE;
        long rows = 0;
        for (int run = 0; run < 4; run++) {
            long start = System.nanoTime();
            try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
                rs.next();
                rows = rs.getLong(1);
            }
            long t = System.nanoTime() - start;
            if (run > 0) {
                best = Math.min(best, t);
            }
        }
        double s = best / 1e9;
        System.out.printf("%-55s %,d rows in %.3f s: %,.0f rows/s, %.0f MB/s of file%n", what, rows, s, rows / s, fileMb / s);
    }
}
