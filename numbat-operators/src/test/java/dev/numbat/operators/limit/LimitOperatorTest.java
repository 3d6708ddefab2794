package dev.numbat.operators.limit;

import static dev.numbat.operators.testing.OperatorHarness.row;

import dev.numbat.core.testing.TestAllocator;
import dev.numbat.operators.testing.BatchBuilder;
import dev.numbat.operators.testing.Fields;
import dev.numbat.operators.testing.OperatorHarness;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LimitOperatorTest {
    private static final Schema SCHEMA = Fields.schema(Fields.bigint("n"), Fields.varchar("s"));

    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    private static BatchBuilder rows(int from, int to) {
        BatchBuilder b = BatchBuilder.of(SCHEMA);
        for (int i = from; i < to; i++) {
            b.row((long) i, i % 3 == 0 ? null : "s" + i);
        }
        return b;
    }

    private static List<List<Object>> expected(int from, int to) {
        List<List<Object>> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(row((long) i, i % 3 == 0 ? null : "s" + i));
        }
        return out;
    }

    private OperatorHarness harness(LimitOperator.Factory factory) {
        // 10 batches of 7 rows (and an empty one) = rows 0 .. 69.
        OperatorHarness h = OperatorHarness.of(factory, allocator);
        for (int b = 0; b < 10; b++) {
            h.input(0, rows(b * 7, b * 7 + 7));
            if (b == 4) {
                h.input(0, rows(0, 0));
            }
        }
        return h;
    }

    @Test
    void offsetAndLimitAcrossBatchBoundaries() {
        harness(LimitOperator.factory(5, 20)).expectRows(expected(5, 25)).run();
        harness(LimitOperator.factory(7, 14)).expectRows(expected(7, 21)).run();
        harness(LimitOperator.factory(0, 3)).expectRows(expected(0, 3)).run();
        harness(LimitOperator.factory(68, 100)).expectRows(expected(68, 70)).run();
    }

    @Test
    void offsetOnlyLimitZeroAndOffsetPastTheEnd() {
        harness(LimitOperator.factory(30, LimitOperator.NO_LIMIT)).expectRows(expected(30, 70)).run();
        harness(LimitOperator.factory(0)).expectNoRows().run();
        harness(LimitOperator.factory(70, 5)).expectNoRows().run();
        harness(LimitOperator.factory(0, LimitOperator.NO_LIMIT)).expectRows(expected(0, 70)).run();
    }
}
