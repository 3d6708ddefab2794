package dev.numbat.bench.jmh;

import dev.numbat.core.batch.Batches;
import dev.numbat.core.operator.Operator;
import dev.numbat.operators.aggregate.AggregateCall;
import dev.numbat.operators.aggregate.AggregateFunction;
import dev.numbat.operators.aggregate.HashAggregateOperator;
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
 * Hash aggregation, one channel: {@code sum(l_quantity), sum(l_extendedprice), avg(l_discount), count(*)} over
 * DECIMAL(15,2) columns of 64K-row batches, grouped by Q1's two string keys (6 groups) or by a BIGINT key with
 * 100,000 distinct values. One operation = one batch into the operator; the groups' results are emitted and
 * the table rebuilt at the end of each iteration.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HashAggregateKernel {
    /** {@code flag_status}: GROUP BY l_returnflag, l_linestatus; {@code partkey}: GROUP BY l_partkey. */
    @Param({"flag_status", "partkey"})
    public String keys;

    private BufferAllocator allocator;
    private VectorSchemaRoot input;
    private long inputBytes;
    private HashAggregateOperator.Factory factory;
    private Operator op;

    @Setup(Level.Trial)
    public void data() {
        allocator = new RootAllocator();
        input = KernelData.lineitem(allocator, 100_000);
        inputBytes = Batches.sizeBytes(input);
        List<Integer> groupKeys = keys.equals("partkey") ? List.of(KernelData.PARTKEY)
                : List.of(KernelData.RETURNFLAG, KernelData.LINESTATUS);
        factory = HashAggregateOperator.Factory.single(KernelData.LINEITEM, groupKeys, List.of(
                AggregateCall.of(AggregateFunction.SUM, KernelData.QUANTITY, "sum_qty"),
                AggregateCall.of(AggregateFunction.SUM, KernelData.EXTENDEDPRICE, "sum_price"),
                AggregateCall.of(AggregateFunction.AVG, KernelData.DISCOUNT, "avg_disc"),
                AggregateCall.countStar("count_order")));
    }

    @Setup(Level.Iteration)
    public void open() throws Exception {
        op = factory.create(0);
        op.open(KernelData.context("hash-aggregate", allocator));
    }

    @Benchmark
    public void aggregate(RowCounters counters) throws Exception {
        // copy() shares the buffers (reference counted): the operator owns and closes its batch, data is not copied.
        op.process(0, Batches.copy(input, allocator), VectorSchemaRoot::close);
        counters.rows += KernelData.BATCH_ROWS;
        counters.bytes += inputBytes;
    }

    @TearDown(Level.Iteration)
    public void finish() throws Exception {
        op.finish(0, VectorSchemaRoot::close);
        KernelData.close(op);
    }

    @TearDown(Level.Trial)
    public void release() {
        input.close();
        allocator.close();
    }
}
