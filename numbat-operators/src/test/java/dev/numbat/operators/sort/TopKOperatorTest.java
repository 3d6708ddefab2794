package dev.numbat.operators.sort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.testing.TestAllocator;
import dev.numbat.operators.testing.BatchBuilder;
import dev.numbat.operators.testing.OperatorHarness;
import dev.numbat.operators.testing.OperatorHarness.Mode;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TopKOperatorTest {
    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    /** Sort + limit by the reference stable sort: what top-k must emit, ties included. */
    private static List<List<Object>> expected(BatchBuilder rows, List<SortKey> keys, long offset, long limit) {
        List<List<Object>> sorted = SortOperatorTest.reference(rows.rowsAsLists(), keys);
        int from = (int) Math.min(offset, sorted.size());
        int to = (int) Math.min(offset + limit, sorted.size());
        return sorted.subList(from, to);
    }

    @Test
    void smallLimitEqualsSortThenLimit() {
        BatchBuilder rows = SortOperatorTest.randomRows(2000, 7);
        List<List<SortKey>> orders = List.of(
                List.of(SortKey.asc(2), SortKey.desc(3)),
                List.of(SortKey.desc(4).withNullsLast(), SortKey.asc(0)),
                List.of(SortKey.asc(6).withNullsFirst()));
        for (List<SortKey> keys : orders) {
            OperatorHarness.of(TopKOperator.factory(keys, 3, 10), allocator)
                    .input(0, rows.buildChunks(allocator, 150))
                    .expectRows(expected(rows, keys, 3, 10))
                    .doubleTolerance(0)
                    .run();
        }
    }

    @Test
    void compactsAndPrunesOverManyBatchesWithSmallAndLargeLimits() {
        BatchBuilder rows = SortOperatorTest.randomRows(150_000, 11);
        List<SortKey> keys = List.of(SortKey.desc(1), SortKey.asc(7));
        for (long limit : new long[] {1, 100, 70_000}) {
            OperatorHarness.Result result = OperatorHarness.of(TopKOperator.factory(keys, 5, limit)
                            .withOutputBatchRows(30_000), allocator)
                    .input(0, rows.buildChunks(allocator, 4096))
                    .modes(Mode.AS_GIVEN, Mode.LARGE)
                    .expectRows(expected(rows, keys, 5, limit))
                    .run();
            assertThat(result.batchCount()).isEqualTo((int) ((limit + 29_999) / 30_000));
        }
    }

    @Test
    void ordersOnStringsWithTiesKeepArrivalOrder() {
        BatchBuilder rows = SortOperatorTest.randomRows(90_000, 3);
        List<SortKey> keys = List.of(SortKey.asc(2).withNullsFirst());
        OperatorHarness.of(TopKOperator.factory(keys, 0, 500), allocator)
                .input(0, rows.buildChunks(allocator, 1000))
                .modes(Mode.AS_GIVEN, Mode.LARGE)
                .expectRows(expected(rows, keys, 0, 500))
                .run();
    }

    @Test
    void limitZeroAndOffsetPastTheEndEmitNothing() {
        BatchBuilder rows = SortOperatorTest.randomRows(50, 5);
        OperatorHarness.of(TopKOperator.factory(List.of(SortKey.asc(0)), 0), allocator)
                .input(0, rows)
                .expectNoRows()
                .run();
        OperatorHarness.of(TopKOperator.factory(List.of(SortKey.asc(0)), 60, 10), allocator)
                .input(0, rows)
                .expectNoRows()
                .run();
        assertThatThrownBy(() -> TopKOperator.factory(List.of(SortKey.asc(0)), -1, 10))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
