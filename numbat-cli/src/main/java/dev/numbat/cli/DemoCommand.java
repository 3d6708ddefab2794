package dev.numbat.cli;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.bench.demo.PricingSummary;
import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import dev.numbat.core.partition.Partitioners;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The README's first command: makes a small TPC-H data set if there is none, then runs SQL queries and a
 * user-written stateful operator over it on the embedded runtime, printing results and timings.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Generate a small TPC-H data set if absent and run SQL queries and a stateful-operator "
                + "pipeline over it, with timings.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--sf", defaultValue = "0.1", description = "Scale factor of the data set. Default: ${DEFAULT-VALUE}.")
    double scaleFactor;

    @Option(names = "--data", description = "Data directory (default: data/tpch-sf<SF> under the current directory).")
    Path data;

    @Option(names = "--runs", defaultValue = "3", description = "Timed runs of each pipeline. Default: ${DEFAULT-VALUE}.")
    int runs;

    @Override
    public Integer call() {
        Path dir = data != null ? data : Path.of("data", "tpch-sf" + stripZeros(scaleFactor));
        try (NumbatContext ctx = NumbatContext.local()) {
            if (!TpchDatagen.exists(dir)) {
                System.out.printf("no TPC-H data in %s: generating sf %s as Parquet%n", dir, scaleFactor);
                long start = System.nanoTime();
                TpchDatagen.generate(ctx, scaleFactor, TpchDatagen.Format.PARQUET, dir, List.of(),
                        r -> System.out.printf("  %-9s %,11d rows  %.2f s%n", r.table(), r.rows(), r.millis() / 1000.0));
                System.out.printf("generated in %.2f s%n%n", (System.nanoTime() - start) / 1e9);
            }
            for (String table : dev.numbat.bench.tpch.TpchTables.NAMES) {
                ctx.registerParquet(table, dir.resolve(table).toString());
            }
            String[][] queries = {
                {"TPC-H Q1, pricing summary (SQL)", dev.numbat.bench.tpch.queries.TpchQueries.sql(1)},
                {"TPC-H Q3, shipping priority (SQL)", dev.numbat.bench.tpch.queries.TpchQueries.sql(3)},
                {"Orders per year and priority (SQL)", """
                    select extract(year from o_orderdate) as year, o_orderpriority, count(*) as orders,
                           sum(o_totalprice) as total
                    from orders group by 1, 2 order by 1, 2 limit 10"""},
            };
            for (String[] q : queries) {
                System.out.println(q[0]);
                time(runs, () -> ctx.sql(q[1]).showString(10), true);
            }

            System.out.println("The same Q1 as a user-written stateful operator: lineitem -> hash(l_returnflag, "
                    + "l_linestatus) over 2 channels -> 1 channel");
            DataStream q1 = ctx.readParquet(dir.resolve("lineitem").toString(), List.of("l_returnflag",
                            "l_linestatus", "l_quantity", "l_extendedprice", "l_discount", "l_shipdate"))
                    .transform(PricingSummary.factory(), Partitioners.hash("l_returnflag", "l_linestatus"), 2)
                    .repartition(Partitioners.single(), 1);
            time(runs, () -> q1.showString(10), true);
            System.out.println("Next: ./numbat sql --data " + dir + "   (an interactive SQL shell over these tables)");
        }
        return 0;
    }

    /** Runs {@code job} {@code runs} times, prints the last result if asked and the timings; returns the best ms. */
    private static long time(int runs, java.util.function.Supplier<Object> job, boolean print) {
        long best = Long.MAX_VALUE;
        Object last = null;
        StringBuilder times = new StringBuilder();
        for (int i = 0; i < Math.max(1, runs); i++) {
            long start = System.nanoTime();
            last = job.get();
            long ms = (System.nanoTime() - start) / 1_000_000;
            best = Math.min(best, ms);
            times.append(i == 0 ? "" : ", ").append(ms).append(" ms");
        }
        if (print) {
            System.out.print(last);
            System.out.println("runs: " + times + " (first includes JIT warm-up)\n");
        }
        return best;
    }

    private static String stripZeros(double d) {
        return java.math.BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
    }
}
