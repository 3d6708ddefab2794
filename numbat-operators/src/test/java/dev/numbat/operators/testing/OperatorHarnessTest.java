package dev.numbat.operators.testing;

import static dev.numbat.operators.testing.OperatorHarness.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.testing.TestAllocator;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The harness checks what it promises: it passes good operators and catches bad ones. */
class OperatorHarnessTest {
    private BufferAllocator allocator;

    private static final Schema SCHEMA = Fields.schema(Fields.bigint("id"), Fields.varchar("s"),
            Fields.decimal("d", 10, 2), Fields.date("day"), Fields.bool("b"), Fields.float64("x"),
            Fields.timestamp("ts"));

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    /** Passes batches on unchanged. */
    static final class PassThrough implements OperatorFactory {
        @Override
        public Operator create(int channel) {
            return (input, batch, out) -> {
                if (batch.getRowCount() == 0) {
                    batch.close();
                } else {
                    out.emit(batch);
                }
            };
        }

        @Override
        public String name() {
            return "pass";
        }
    }

    /** Buffers every batch (copied into its own allocator) and emits them on finish. */
    static final class Buffering implements OperatorFactory {
        final boolean leak;

        Buffering(boolean leak) {
            this.leak = leak;
        }

        @Override
        public Operator create(int channel) {
            return new Operator() {
                OperatorContext context;
                final List<VectorSchemaRoot> held = new ArrayList<>();

                @Override
                public void open(OperatorContext c) {
                    context = c;
                }

                @Override
                public void process(int input, VectorSchemaRoot batch, Emitter out) {
                    held.add(Batches.transfer(batch, context.allocator()));
                }

                @Override
                public void finish(int input, Emitter out) {
                    if (leak && !held.isEmpty()) {
                        held.remove(0); // forgotten
                    }
                    held.forEach(out::emit);
                    held.clear();
                }
            };
        }
    }

    private BatchBuilder sample() {
        return BatchBuilder.of(SCHEMA)
                .row(1L, "a", new BigDecimal("1.50"), LocalDate.of(2024, 1, 31), true, 0.5,
                        LocalDateTime.of(2024, 1, 31, 12, 0))
                .row(2L, null, null, null, null, null, null);
    }

    @Test
    void passThroughMatchesInEveryMode() {
        OperatorHarness.Result r = OperatorHarness.of(new PassThrough(), allocator)
                .input(0, sample(), BatchBuilder.of(SCHEMA), BatchBuilder.of(SCHEMA).row(3, "c", 2, null, false,
                        1e-3, null))
                .expectSchema(SCHEMA)
                .expectRows(List.of(
                        row(1L, "a", new BigDecimal("1.5"), LocalDate.of(2024, 1, 31), true, 0.5,
                                LocalDateTime.of(2024, 1, 31, 12, 0)),
                        row(2, null, null, null, null, null, null),
                        row(3L, "c", new BigDecimal("2.00"), null, false, 1e-3 + 1e-15, null)))
                .run();
        assertThat(r.mode()).isEqualTo(OperatorHarness.Mode.AS_GIVEN);
        assertThat(r.rows()).hasSize(3);
    }

    @Test
    void emptyBatchesAreReported() {
        OperatorFactory emitsEverything = channel -> (input, batch, out) -> out.emit(batch);
        assertThatThrownBy(() -> OperatorHarness.of(emitsEverything, allocator)
                .input(0, BatchBuilder.of(SCHEMA)).modes(OperatorHarness.Mode.AS_GIVEN).expectNoRows().run())
                .isInstanceOf(AssertionError.class).hasMessageContaining("empty batch");
    }

    @Test
    void wrongRowsAreReported() {
        assertThatThrownBy(() -> OperatorHarness.of(new PassThrough(), allocator)
                .input(0, sample())
                .expectRowsUnordered(List.of(row(1L), row(2L))).run())
                .isInstanceOf(AssertionError.class).hasMessageContaining("output differs");
    }

    @Test
    void unorderedIgnoresOrder() {
        OperatorHarness.of(new Buffering(false), allocator)
                .input(0, BatchBuilder.of(Fields.bigint("a")).row(2L).row(1L))
                .input(0, BatchBuilder.of(Fields.bigint("a")).row((Object) null))
                .expectRowsUnordered(List.of(row(1L), row((Object) null), row(2L)))
                .run();
    }

    @Test
    void leaksAreReported() {
        assertThatThrownBy(() -> OperatorHarness.of(new Buffering(true), allocator)
                .input(0, sample()).modes(OperatorHarness.Mode.LARGE).run())
                .isInstanceOf(AssertionError.class).hasMessageContaining("leaked");
        // The harness leaves leaked buffers where they are; abandon this root allocator instead of closing it.
        allocator = TestAllocator.create();
    }

    @Test
    void failuresAreCheckedInEveryMode() {
        OperatorFactory failing = channel -> (input, batch, out) -> {
            batch.close();
            throw NumbatException.userError("bad row in %s", "input");
        };
        NumbatException e = OperatorHarness.of(failing, allocator).input(0, sample())
                .failsWith(ErrorCode.USER_ERROR, "bad row");
        assertThat(e.getMessage()).isEqualTo("bad row in input");
        OperatorHarness.of(failing, allocator).input(0, sample()).failsWith(NumbatException.class);
    }

    @Test
    void collectChainsOperators() {
        List<VectorSchemaRoot> out = OperatorHarness.collect(new Buffering(false), allocator,
                List.of(List.of(sample().build(allocator), sample().build(allocator))));
        try {
            assertThat(OperatorHarness.rows(out)).hasSize(4);
        } finally {
            out.forEach(VectorSchemaRoot::close);
        }
    }

    @Test
    void twoInputsInterleaved() {
        OperatorHarness.of(new PassThrough(), allocator)
                .input(1, BatchBuilder.of(Fields.bigint("a")).row(10L))
                .input(0, BatchBuilder.of(Fields.bigint("a")).row(1L).row(2L))
                .interleaveInputs()
                .expectRowsUnordered(List.of(row(1L), row(2L), row(10L)))
                .run();
    }
}
