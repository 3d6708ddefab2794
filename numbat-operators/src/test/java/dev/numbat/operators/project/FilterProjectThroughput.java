package dev.numbat.operators.project;

import dev.numbat.core.batch.Batches;
import dev.numbat.core.expr.Expr;
import dev.numbat.core.expr.Fn;
import dev.numbat.core.expr.Types;
import dev.numbat.core.operator.Metrics;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.operators.testing.Fields;
import java.time.LocalDate;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Not a test: a quick throughput figure for {@code WHERE l_shipdate <= X} then {@code SELECT l_extendedprice
 * * (1 - l_discount)} on DECIMAL(15,2) columns over 10M rows in 64K-row batches, on one thread. Run with
 * {@code java --add-opens=java.base/java.nio=ALL-UNNAMED -cp ... dev.numbat.operators.project.FilterProjectThroughput}.
 */
public final class FilterProjectThroughput {
    private FilterProjectThroughput() {
    }

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 10_000_000;
        int batchRows = 65_536;
        Schema schema = Fields.schema(Fields.date("l_shipdate"), Fields.decimal("l_extendedprice", 15, 2),
                Fields.decimal("l_discount", 15, 2));
        Expr shipdate = new Expr.Column(0, Types.DATE, true);
        Expr price = new Expr.Column(1, Types.decimal(15, 2), true);
        Expr discount = new Expr.Column(2, Types.decimal(15, 2), true);
        Expr filter = new Expr.Call(Fn.LE, List.of(shipdate, new Expr.Literal(LocalDate.of(1998, 9, 2), Types.DATE)),
                Types.BOOLEAN, true);
        Expr oneMinus = new Expr.Call(Fn.MINUS, List.of(new Expr.Literal(1L, Types.INT), discount),
                Types.decimal(16, 2), true);
        Expr discPrice = new Expr.Call(Fn.TIMES, List.of(price, oneMinus), Types.decimal(31, 4), true);
        var factory = FilterProjectOperator.factory(schema, filter, List.of(discPrice), List.of("disc_price"));
        try (BufferAllocator root = new RootAllocator();
             VectorSchemaRoot batch = VectorSchemaRoot.create(schema, root)) {
            Random random = new Random(7);
            batch.allocateNew();
            DateDayVector d = (DateDayVector) batch.getVector(0);
            DecimalVector p = (DecimalVector) batch.getVector(1);
            DecimalVector disc = (DecimalVector) batch.getVector(2);
            int start = (int) LocalDate.of(1992, 1, 1).toEpochDay();
            for (int i = 0; i < batchRows; i++) {
                d.setSafe(i, start + random.nextInt(2526));
                p.setSafe(i, java.math.BigDecimal.valueOf(90_000 + random.nextInt(10_000_000), 2));
                disc.setSafe(i, java.math.BigDecimal.valueOf(random.nextInt(11), 2));
            }
            batch.setRowCount(batchRows);
            for (int round = 0; round < 5; round++) {
                long[] out = {0};
                long t0 = System.nanoTime();
                try (Operator op = factory.create(0)) {
                    op.open(context(root));
                    for (int done = 0; done < rows; done += batchRows) {
                        op.process(0, Batches.copy(batch, root), b -> {
                            out[0] += b.getRowCount();
                            b.close();
                        });
                    }
                    op.finish(0, b -> b.close());
                }
                double s = (System.nanoTime() - t0) / 1e9;
                System.out.printf("round %d: %d rows in %.3f s = %.1f M rows/s (%d rows out)%n", round, rows, s,
                        rows / s / 1e6, out[0]);
            }
        }
    }

    private static OperatorContext context(BufferAllocator allocator) {
        Metrics metrics = new Metrics();
        return new OperatorContext() {
            @Override
            public String operatorName() {
                return "filter-project";
            }

            @Override
            public int channel() {
                return 0;
            }

            @Override
            public int channelCount() {
                return 1;
            }

            @Override
            public BufferAllocator allocator() {
                return allocator;
            }

            @Override
            public Metrics metrics() {
                return metrics;
            }
        };
    }
}
