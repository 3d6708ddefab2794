package dev.numbat.bench.jmh;

import dev.numbat.core.batch.Batches;
import dev.numbat.core.expr.Expr;
import dev.numbat.core.expr.Fn;
import dev.numbat.core.expr.Types;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.operators.project.FilterProjectOperator;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Filter (and project the surviving {@code l_extendedprice, l_discount}), one channel, 64K-row batches:
 * <ul>
 *   <li>{@code decimal}: Q6's predicate on DECIMAL(15,2), {@code l_discount BETWEEN 0.05 AND 0.07 AND
 *       l_quantity < 24} (about 13% of rows pass);</li>
 *   <li>{@code string}: Q12's {@code l_shipmode IN ('MAIL', 'SHIP')} (2 of 7 modes pass).</li>
 * </ul>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FilterKernel {
    @Param({"decimal", "string"})
    public String predicate;

    private BufferAllocator allocator;
    private VectorSchemaRoot input;
    private long inputBytes;
    private Operator op;
    private long rowsOut;

    @Setup(Level.Trial)
    public void data() throws Exception {
        allocator = new RootAllocator();
        input = KernelData.lineitem(allocator, 200_000);
        inputBytes = Batches.sizeBytes(input);
        Expr discount = new Expr.Column(KernelData.DISCOUNT, Types.decimal(15, 2), true);
        Expr quantity = new Expr.Column(KernelData.QUANTITY, Types.decimal(15, 2), true);
        Expr price = new Expr.Column(KernelData.EXTENDEDPRICE, Types.decimal(15, 2), true);
        Expr mode = new Expr.Column(KernelData.SHIPMODE, Types.VARCHAR, true);
        Expr filter = predicate.equals("string")
                ? new Expr.Call(Fn.IN, List.of(mode, new Expr.Literal("MAIL", Types.VARCHAR),
                        new Expr.Literal("SHIP", Types.VARCHAR)), Types.BOOLEAN, true)
                : new Expr.Call(Fn.AND, List.of(
                        new Expr.Call(Fn.BETWEEN, List.of(discount, decimal("0.05"), decimal("0.07")), Types.BOOLEAN,
                                true),
                        new Expr.Call(Fn.LT, List.of(quantity, decimal("24.00")), Types.BOOLEAN, true)),
                        Types.BOOLEAN, true);
        OperatorFactory factory = FilterProjectOperator.factory(KernelData.LINEITEM, filter,
                List.of(price, discount), List.of("l_extendedprice", "l_discount"));
        op = factory.create(0);
        op.open(KernelData.context("filter", allocator));
    }

    private static Expr decimal(String v) {
        BigDecimal d = new BigDecimal(v);
        return new Expr.Literal(d, Types.decimal(Math.max(d.precision(), d.scale() + 1), d.scale()));
    }

    @Benchmark
    public void filter(RowCounters counters) throws Exception {
        op.process(0, Batches.copy(input, allocator), b -> {
            rowsOut += b.getRowCount();
            b.close();
        });
        counters.rows += KernelData.BATCH_ROWS;
        counters.bytes += inputBytes;
    }

    @TearDown(Level.Trial)
    public void release() throws Exception {
        if (rowsOut == 0) {
            throw new IllegalStateException("the filter passed no rows: the benchmark measures nothing useful");
        }
        op.finish(0, VectorSchemaRoot::close);
        KernelData.close(op);
        input.close();
        allocator.close();
    }
}
