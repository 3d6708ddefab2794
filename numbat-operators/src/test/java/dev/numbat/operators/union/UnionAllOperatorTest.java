package dev.numbat.operators.union;

import static dev.numbat.operators.testing.OperatorHarness.row;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.operators.testing.BatchBuilder;
import dev.numbat.operators.testing.Fields;
import dev.numbat.operators.testing.OperatorHarness;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnionAllOperatorTest {
    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    @Test
    void emitsEveryRowOfEveryInputUnderTheFirstInputsNames() {
        Schema first = Fields.schema(Fields.bigint("id"), Fields.varchar("name"));
        Schema second = Fields.schema(Fields.notNull("key", new ArrowType.Int(64, true)), Fields.varchar("label"));
        OperatorHarness.of(UnionAllOperator.factory(first), allocator)
                .input(0, BatchBuilder.of(first).row(1L, "a").row(2L, null))
                .input(1, BatchBuilder.of(second).row(3L, "c"))
                .input(0, BatchBuilder.of(first).row(4L, "d"))
                .interleaveInputs()
                .expectSchema(first)
                .expectRowsUnordered(List.of(row(1L, "a"), row(2L, null), row(3L, "c"), row(4L, "d")))
                .run();
    }

    @Test
    void sameSchemasPassThrough() {
        Schema s = Fields.schema(Fields.bigint("id"));
        OperatorHarness.of(UnionAllOperator.factory(), allocator)
                .input(0, BatchBuilder.of(s).row(1L))
                .input(1, BatchBuilder.of(s).row(2L), BatchBuilder.of(s))
                .input(2, BatchBuilder.of(s).row(3L))
                .expectRowsUnordered(List.of(row(1L), row(2L), row(3L)))
                .run();
    }

    @Test
    void differentColumnTypesAreAUserError() {
        Schema first = Fields.schema(Fields.bigint("id"));
        Schema second = Fields.schema(Fields.varchar("id2"));
        OperatorHarness.of(UnionAllOperator.factory(first), allocator)
                .input(0, BatchBuilder.of(first).row(1L))
                .input(1, BatchBuilder.of(second).row("x"))
                .failsWith(ErrorCode.USER_ERROR, "UNION ALL column 0");
    }
}
