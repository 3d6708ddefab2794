package dev.numbat.bench.tpch;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import io.trino.tpch.LineItem;
import io.trino.tpch.TpchTable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Measures how fast {@link TpchSource} turns lineitem into Arrow batches, in one thread and in several, and how
 * fast the bare generator runs (entities only), to show what the Arrow conversion costs. Not a test: run
 * {@code java --add-opens=java.base/java.nio=ALL-UNNAMED -cp ... dev.numbat.bench.tpch.TpchGenerateBenchmark
 * [scaleFactor] [runs] [threads...]}. Prints rows/s per run; the first run includes building the generator's
 * 300 MB text pool and JIT warm-up and is reported separately.
 */
public final class TpchGenerateBenchmark {
    private TpchGenerateBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        double sf = args.length > 0 ? Double.parseDouble(args[0]) : 1;
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 3;
        List<Integer> threadCounts = new ArrayList<>();
        for (int i = 2; i < args.length; i++) {
            threadCounts.add(Integer.parseInt(args[i]));
        }
        if (threadCounts.isEmpty()) {
            threadCounts = List.of(1, 2);
        }
        System.out.printf("lineitem at SF %s, %d cores, batches of %d rows%n",
                sf, Runtime.getRuntime().availableProcessors(), TpchSource.DEFAULT_BATCH_ROWS);
        try (BufferAllocator allocator = new RootAllocator()) {
            TpchSource source = new TpchSource("lineitem", sf);
            long t0 = System.nanoTime();
            long rows = arrow(source, 2, allocator);
            System.out.printf("warm-up (text pool, JIT): %d rows in %.2f s%n", rows, (System.nanoTime() - t0) / 1e9);
            for (int threads : threadCounts) {
                for (int run = 0; run < runs; run++) {
                    long start = System.nanoTime();
                    long n = arrow(source, threads, allocator);
                    report("arrow batches", threads, n, System.nanoTime() - start);
                }
            }
            for (int threads : threadCounts) {
                for (int run = 0; run < runs; run++) {
                    long start = System.nanoTime();
                    long n = entitiesOnly(sf, threads);
                    report("generator only", threads, n, System.nanoTime() - start);
                }
            }
        }
    }

    private static void report(String what, int threads, long rows, long nanos) {
        System.out.printf("%-15s %d thread(s): %,d rows in %.2f s = %,.0f rows/s%n",
                what, threads, rows, nanos / 1e9, rows / (nanos / 1e9));
    }

    /** Reads every split of the source, {@code threads} splits at a time, closing each batch at once. */
    private static long arrow(TpchSource source, int threads, BufferAllocator allocator) throws Exception {
        List<Split> splits = source.splits(threads);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (Split split : splits) {
                results.add(pool.submit(() -> {
                    long rows = 0;
                    try (BufferAllocator child = allocator.newChildAllocator(split.describe(), 0, Long.MAX_VALUE);
                         SplitReader reader = source.open(split, child)) {
                        for (VectorSchemaRoot batch; (batch = reader.next()) != null; ) {
                            rows += batch.getRowCount();
                            batch.close();
                        }
                    }
                    return rows;
                }));
            }
            long rows = 0;
            for (Future<Long> f : results) {
                rows += f.get();
            }
            return rows;
        } finally {
            pool.shutdown();
        }
    }

    private static long entitiesOnly(double sf, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Long>> results = new ArrayList<>();
            for (int part = 1; part <= threads; part++) {
                int p = part;
                results.add(pool.submit(() -> {
                    long rows = 0;
                    long check = 0;
                    for (LineItem l : TpchTable.LINE_ITEM.createGenerator(sf, p, threads)) {
                        rows++;
                        check += l.getExtendedPriceInCents() + l.getComment().length();
                    }
                    return check == 42 ? rows + 1 : rows; // keeps the loop from being optimised away
                }));
            }
            long rows = 0;
            for (Future<Long> f : results) {
                rows += f.get();
            }
            return rows;
        } finally {
            pool.shutdown();
        }
    }
}
