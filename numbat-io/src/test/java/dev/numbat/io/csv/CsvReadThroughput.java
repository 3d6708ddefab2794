package dev.numbat.io.csv;

import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import java.io.BufferedWriter;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Throughput of the CSV reader on a ~200 MB generated file, next to DuckDB's read_csv on the same file.
 * A benchmark, not a test: it prints figures and asserts nothing. From the repository root:
 *
 * <pre>
 * mvn -B -q -o -pl numbat-io test-compile dependency:build-classpath \
 *     -Dmdep.outputFile=/tmp/numbat-io-cp.txt -Dmdep.includeScope=test
 * java --add-opens=java.base/java.nio=ALL-UNNAMED \
 *     -cp numbat-io/target/test-classes:numbat-io/target/classes:$(cat /tmp/numbat-io-cp.txt) \
 *     dev.numbat.io.csv.CsvReadThroughput [file.csv]
 * </pre>
 *
 * <p>The file (default {@code /tmp/numbat-csv-throughput.csv}) is generated on the first run. Each figure is
 * the best of three runs after one warm-up run.
 */
public final class CsvReadThroughput {
    private CsvReadThroughput() {
    }

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args.length > 0 ? args[0] : "/tmp/numbat-csv-throughput.csv");
        if (!Files.exists(file) || Files.size(file) < 150_000_000L) {
            generate(file, 200_000_000L);
        }
        long bytes = Files.size(file);
        System.out.printf("file %s: %.1f MB%n", file, bytes / 1e6);
        CsvSource source = new CsvSource(file.toString());
        System.out.println("schema " + source.schema());

        for (int threads : new int[] {1, 2}) {
            long best = Long.MAX_VALUE;
            long[] result = null;
            for (int run = 0; run < 4; run++) { // the first run warms up
                long t0 = System.nanoTime();
                result = read(source, threads);
                long t = System.nanoTime() - t0;
                if (run > 0) {
                    best = Math.min(best, t);
                }
            }
            System.out.printf("numbat %d split(s) on %d thread(s): %.0f ms, %.0f MB/s, %.2f M rows/s, "
                    + "%.0f ms CPU in reader threads (rows %d, sum(qty) %d)%n", threads, threads, best / 1e6,
                    bytes / 1e6 / (best / 1e9), result[0] / 1e6 / (best / 1e9), result[2] / 1e6, result[0],
                    result[1]);
        }

        try (Connection duck = DriverManager.getConnection("jdbc:duckdb:")) {
            try (Statement st = duck.createStatement()) {
                st.execute("SET threads=2");
            }
            long best = Long.MAX_VALUE;
            long rows = 0;
            long sum = 0;
            for (int run = 0; run < 4; run++) {
                long t0 = System.nanoTime();
                try (Statement st = duck.createStatement();
                        ResultSet rs = st.executeQuery("SELECT count(*), sum(qty) FROM read_csv('" + file + "')")) {
                    rs.next();
                    rows = rs.getLong(1);
                    sum = rs.getLong(2);
                }
                long t = System.nanoTime() - t0;
                if (run > 0) {
                    best = Math.min(best, t);
                }
            }
            System.out.printf("duckdb read_csv, threads=2: %.0f ms, %.0f MB/s, %.2f M rows/s (rows %d, sum(qty) %d)%n",
                    best / 1e6, bytes / 1e6 / (best / 1e9), rows / 1e6 / (best / 1e9), rows, sum);
        }
    }

    /** Reads all rows with {@code threads} splits on as many threads; returns {rows, sum(qty), CPU ns}. */
    private static long[] read(CsvSource source, int threads) throws Exception {
        List<Split> splits = source.splits(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try (BufferAllocator root = new RootAllocator()) {
            List<Future<long[]>> futures = new ArrayList<>();
            for (Split split : splits) {
                futures.add(pool.submit(() -> {
                    long cpu0 = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime();
                    long rows = 0;
                    long sum = 0;
                    try (BufferAllocator allocator = root.newChildAllocator(split.describe(), 0, Long.MAX_VALUE);
                            SplitReader reader = source.open(split, allocator)) {
                        VectorSchemaRoot next;
                        while ((next = reader.next()) != null) {
                            try (VectorSchemaRoot b = next) {
                                BigIntVector qty = (BigIntVector) b.getVector("qty");
                                for (int i = 0; i < b.getRowCount(); i++) {
                                    sum += qty.get(i);
                                }
                                rows += b.getRowCount();
                            }
                        }
                    }
                    long cpu = ManagementFactory.getThreadMXBean().getCurrentThreadCpuTime() - cpu0;
                    return new long[] {rows, sum, cpu};
                }));
            }
            long rows = 0;
            long sum = 0;
            long cpu = 0;
            for (Future<long[]> f : futures) {
                long[] r = f.get();
                rows += r[0];
                sum += r[1];
                cpu += r[2];
            }
            return new long[] {rows, sum, cpu};
        } finally {
            pool.shutdown();
        }
    }

    /** Roughly TPC-H lineitem-like rows: integers, money, a date, short and longer text. */
    private static void generate(Path file, long targetBytes) throws Exception {
        System.out.println("generating " + file + " ...");
        Random random = new Random(7);
        String[] words = {"furiously", "carefully", "final", "ironic", "pending", "deposits", "packages", "requests",
            "quickly", "express", "accounts", "regular", "special", "bold", "blithely", "theodolites"};
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        long written = 0;
        LocalDate base = LocalDate.of(1992, 1, 1);
        StringBuilder line = new StringBuilder(256);
        try (BufferedWriter w = Files.newBufferedWriter(tmp, java.nio.charset.StandardCharsets.US_ASCII)) {
            w.write("id,qty,price,discount,shipdate,flag,comment\n");
            for (long id = 0; written < targetBytes; id++) {
                line.setLength(0);
                line.append(id).append(',').append(1 + random.nextInt(50)).append(',')
                        .append(random.nextInt(10_000_000) / 100.0).append(',')
                        .append("0.0").append(random.nextInt(10)).append(',')
                        .append(base.plusDays(random.nextInt(2500))).append(',')
                        .append((char) ('A' + random.nextInt(3))).append(',');
                int n = 2 + random.nextInt(5);
                for (int k = 0; k < n; k++) {
                    if (k > 0) {
                        line.append(' ');
                    }
                    line.append(words[random.nextInt(words.length)]);
                }
                line.append('\n');
                w.append(line);
                written += line.length();
            }
        }
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
