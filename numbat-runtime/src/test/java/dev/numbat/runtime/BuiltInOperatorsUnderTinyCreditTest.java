package dev.numbat.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.partition.Partitioners;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.operators.aggregate.AggregateCall;
import dev.numbat.operators.aggregate.AggregateFunction;
import dev.numbat.operators.aggregate.HashAggregateOperator;
import dev.numbat.operators.join.HashJoinOperator;
import dev.numbat.operators.join.JoinType;
import dev.numbat.operators.sort.SortKey;
import dev.numbat.operators.sort.SortOperator;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Built-in operators inside real task graphs with the smallest credit (one batch per input): the runtime
 * must park and resume them without losing, duplicating or leaking a batch, and the answers must equal a
 * run with ample credit.
 */
class BuiltInOperatorsUnderTinyCreditTest {

    /** sum(v) and count(*) grouped by v % 10 (partial -> hash -> final), then sorted by the key. */
    private static List<Long> aggregateThenSort(int credit) {
        try (BufferAllocator root = TestAllocator.create();
                LocalRuntime runtime = new LocalRuntime(RuntimeOptions.defaults().withThreads(2).withChannelCredit(credit), root)) {
            LongsSource source = new LongsSource(4, 25, 400);
            TaskGraph.Builder g = TaskGraph.builder();
            int s = g.source("longs", source, 4);
            // key = v itself keeps the test independent of expressions; 40,000 groups exercise growth.
            var single = HashAggregateOperator.Factory.single(LongsSource.SCHEMA, List.of(0),
                    List.of(AggregateCall.of(AggregateFunction.SUM, 0, "s"), AggregateCall.countStar("n")));
            int partial = g.operator("partial", single.withMode(dev.numbat.operators.aggregate.AggregateMode.PARTIAL), 4);
            int fin = g.operator("final", single.withMode(dev.numbat.operators.aggregate.AggregateMode.FINAL), 3);
            int sort = g.operator("sort", SortOperator.factory(SortKey.asc(0)), 1);
            g.connect(s, partial, Partitioners.forward())
                    .connect(partial, fin, Partitioners.hash("v"))
                    .connect(fin, sort, Partitioners.single())
                    .output(sort);
            List<Long> out = new ArrayList<>();
            try (Job job = runtime.submit(g.build(), root)) {
                job.results().forEachRemaining(b -> {
                    try (b) {
                        for (int i = 0; i < b.getRowCount(); i++) {
                            out.add(((BigIntVector) b.getVector(0)).get(i));
                            out.add(((BigIntVector) b.getVector(1)).get(i));
                        }
                    }
                });
            }
            return out;
        }
    }

    @Test
    void aggregateAndSortGiveTheSameAnswerWithOneBatchOfCredit() {
        List<Long> tiny = aggregateThenSort(1);
        assertThat(tiny).hasSize(2 * 40_000);
        assertThat(tiny.subList(0, 4)).containsExactly(0L, 0L, 1L, 1L);
        assertThat(tiny).isEqualTo(aggregateThenSort(8));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 8})
    void hashJoinWithBroadcastBuildUnderAnyCredit(int credit) {
        try (BufferAllocator root = TestAllocator.create();
                LocalRuntime runtime = new LocalRuntime(RuntimeOptions.defaults().withThreads(2).withChannelCredit(credit), root)) {
            LongsSource probe = new LongsSource(3, 20, 500);   // 30,000 rows: v = 0..29,999
            LongsSource build = new LongsSource(2, 5, 300);    // 3,000 rows: v = 0..2,999
            TaskGraph.Builder g = TaskGraph.builder();
            int p = g.source("probe", probe, 3);
            int b = g.source("build", build, 2);
            int j = g.operator("join", HashJoinOperator.factory(JoinType.INNER, new int[] {0}, new int[] {0}), 3);
            g.connect(p, j, 0, Partitioners.forward(), false)
                    .connect(b, j, 1, Partitioners.broadcast(), true)
                    .output(j);
            long rows = 0;
            long sum = 0;
            try (Job job = runtime.submit(g.build(), root)) {
                var it = job.results();
                while (it.hasNext()) {
                    try (VectorSchemaRoot batch = it.next()) {
                        rows += batch.getRowCount();
                        for (int i = 0; i < batch.getRowCount(); i++) {
                            sum += ((BigIntVector) batch.getVector(1)).get(i);
                        }
                    }
                }
            }
            assertThat(rows).isEqualTo(3_000);
            assertThat(sum).isEqualTo(2_999L * 3_000 / 2);
        }
    }
}
