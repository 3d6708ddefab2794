package dev.numbat.bench.jmh;

import dev.numbat.core.batch.Batches;
import dev.numbat.core.operator.Operator;
import dev.numbat.operators.join.HashJoinOperator;
import dev.numbat.operators.join.JoinType;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
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
 * Hash join probe, one channel: 64K-row lineitem-like batches probe a table built once from {@code buildRows}
 * (BIGINT key, DECIMAL payload) rows on {@code l_partkey}; every probe row finds exactly one match, and the
 * joined batches (all probe columns plus the build columns) are produced and closed. Measures the probe and the
 * output gather, not the build.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class HashJoinProbeKernel {
    /** Build-side rows (distinct keys): 10,000 fits in cache, 1,000,000 does not. */
    @Param({"10000", "1000000"})
    public int buildRows;

    private BufferAllocator allocator;
    private VectorSchemaRoot probe;
    private long probeBytes;
    private Operator op;

    @Setup(Level.Trial)
    public void build() throws Exception {
        allocator = new RootAllocator();
        probe = KernelData.lineitem(allocator, buildRows);
        probeBytes = Batches.sizeBytes(probe);
        Schema buildSchema = new Schema(List.of(
                new Field("p_partkey", FieldType.nullable(new ArrowType.Int(64, true)), null),
                new Field("p_retailprice", FieldType.nullable(new ArrowType.Decimal(15, 2, 128)), null)));
        op = HashJoinOperator.factory(JoinType.INNER, new int[] {KernelData.PARTKEY}, new int[] {0})
                .withInputSchemas(KernelData.LINEITEM, buildSchema).create(0);
        op.open(KernelData.context("hash-join", allocator));
        for (int start = 0; start < buildRows; start += KernelData.BATCH_ROWS) {
            int n = Math.min(KernelData.BATCH_ROWS, buildRows - start);
            VectorSchemaRoot b = VectorSchemaRoot.create(buildSchema, allocator);
            b.allocateNew();
            BigIntVector key = (BigIntVector) b.getVector(0);
            DecimalVector price = (DecimalVector) b.getVector(1);
            for (int i = 0; i < n; i++) {
                key.setSafe(i, start + i);
                price.setSafe(i, BigDecimal.valueOf(90_000 + (start + i) % 20_000, 2));
            }
            b.setRowCount(n);
            op.process(HashJoinOperator.BUILD_INPUT, b, VectorSchemaRoot::close);
        }
        op.finish(HashJoinOperator.BUILD_INPUT, VectorSchemaRoot::close);
    }

    @Benchmark
    public void probe(RowCounters counters) throws Exception {
        op.process(HashJoinOperator.PROBE_INPUT, Batches.copy(probe, allocator), VectorSchemaRoot::close);
        counters.rows += KernelData.BATCH_ROWS;
        counters.bytes += probeBytes;
    }

    @TearDown(Level.Trial)
    public void release() throws Exception {
        op.finish(HashJoinOperator.PROBE_INPUT, VectorSchemaRoot::close);
        KernelData.close(op);
        probe.close();
        allocator.close();
    }
}
