package dev.numbat.operators.project;

import static dev.numbat.operators.testing.OperatorHarness.row;
import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.expr.Expr;
import dev.numbat.core.expr.Fn;
import dev.numbat.core.expr.Types;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.operators.testing.BatchBuilder;
import dev.numbat.operators.testing.Fields;
import dev.numbat.operators.testing.OperatorHarness;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;

class FilterProjectOperatorTest {
    private static final ArrowType D152 = Types.decimal(15, 2);
    private static final Schema LINEITEM = Fields.schema(Fields.bigint("l_orderkey"), Fields.decimal("l_extendedprice",
            15, 2), Fields.decimal("l_discount", 15, 2), Fields.date("l_shipdate"), Fields.varchar("l_comment"));

    private static Expr col(int i) {
        return new Expr.Column(i, LINEITEM.getFields().get(i).getType(), true);
    }

    private static Expr.Call call(Fn fn, ArrowType type, Expr... args) {
        return new Expr.Call(fn, List.of(args), type, true);
    }

    private static BatchBuilder lineitems() {
        return BatchBuilder.of(LINEITEM)
                .row(1L, new BigDecimal("100.00"), new BigDecimal("0.10"), LocalDate.of(1998, 9, 1), "a")
                .row(2L, new BigDecimal("50.50"), new BigDecimal("0.00"), LocalDate.of(1998, 9, 3), "b")
                .row(3L, null, new BigDecimal("0.05"), LocalDate.of(1995, 1, 1), null)
                .row(4L, new BigDecimal("10.01"), new BigDecimal("0.07"), null, "d");
    }

    private static Expr discPrice() {
        Expr oneMinus = call(Fn.MINUS, Types.decimal(16, 2), new Expr.Literal(1L, Types.INT), col(2));
        return call(Fn.TIMES, Types.decimal(31, 4), col(1), oneMinus);
    }

    private static Expr shipdateFilter() {
        return call(Fn.LE, Types.BOOLEAN, col(3), new Expr.Literal(LocalDate.of(1998, 9, 2), Types.DATE));
    }

    @Test
    void filtersThenProjects() {
        OperatorFactory f = FilterProjectOperator.factory(LINEITEM, shipdateFilter(),
                List.of(col(0), discPrice(), col(4)), List.of("k", "disc_price", "comment"));
        try (BufferAllocator allocator = TestAllocator.create()) {
            OperatorHarness.of(f, allocator)
                    .input(0, lineitems())
                    .expectSchema(Fields.schema(Fields.bigint("k"), Fields.decimal("disc_price", 31, 4),
                            Fields.varchar("comment")))
                    .expectRows(List.of(row(1L, new BigDecimal("90.0000"), "a"), row(3L, null, null)))
                    .run();
        }
    }

    @Test
    void noFilterPassesColumnsThrough() {
        OperatorFactory f = FilterProjectOperator.factory(LINEITEM, null, List.of(col(4), col(0), col(0)),
                List.of("c", "k1", "k2"));
        List<List<Object>> expected = new ArrayList<>();
        for (List<Object> r : lineitems().rowsAsLists()) {
            expected.add(row(r.get(4), r.get(0), r.get(0)));
        }
        try (BufferAllocator allocator = TestAllocator.create()) {
            OperatorHarness.of(f, allocator).input(0, lineitems(), lineitems()).expectRows(concat(expected, expected))
                    .run();
        }
    }

    @Test
    void nothingPasses() {
        OperatorFactory f = FilterProjectOperator.factory(LINEITEM,
                call(Fn.GT, Types.BOOLEAN, col(0), new Expr.Literal(100L, Types.BIGINT)), List.of(col(0)),
                List.of("k"));
        try (BufferAllocator allocator = TestAllocator.create()) {
            OperatorHarness.of(f, allocator).input(0, lineitems()).expectNoRows().run();
        }
    }

    @Test
    void dataErrorsAreUserErrors() {
        Expr div = call(Fn.DIVIDE, Types.BIGINT, col(0), new Expr.Literal(0L, Types.BIGINT));
        OperatorFactory f = FilterProjectOperator.factory(LINEITEM, null, List.of(div), List.of("x"));
        try (BufferAllocator allocator = TestAllocator.create()) {
            OperatorHarness.of(f, allocator).input(0, lineitems()).failsWith(ErrorCode.USER_ERROR, "division by zero");
        }
    }

    @Test
    void factoryIsSerializable() throws Exception {
        OperatorFactory f = FilterProjectOperator.factory(LINEITEM, shipdateFilter(), List.of(col(0), discPrice()),
                List.of("k", "p"));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(f);
        }
        OperatorFactory back;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            back = (OperatorFactory) in.readObject();
        }
        assertThat(back.outputSchema(List.of(LINEITEM))).isEqualTo(f.outputSchema(List.of(LINEITEM)));
        try (BufferAllocator allocator = TestAllocator.create()) {
            OperatorHarness.of(back, allocator).input(0, lineitems())
                    .expectRows(List.of(row(1L, new BigDecimal("90.0000")), row(3L, null))).run();
        }
    }

    private static BatchBuilder manyLineitems(int n) {
        BatchBuilder b = BatchBuilder.of(LINEITEM);
        for (int i = 0; i < n; i++) {
            b.row((long) i, i % 7 == 3 ? null : BigDecimal.valueOf(i * 13L, 2), BigDecimal.valueOf(i % 11, 2),
                    LocalDate.of(1995, 1, 1).plusDays(i), i % 5 == 1 ? null : "c" + i);
        }
        return b;
    }

    private static FilterProjectOperator open(OperatorFactory f, BufferAllocator allocator) {
        FilterProjectOperator op = (FilterProjectOperator) f.create(0);
        op.open(new dev.numbat.core.operator.OperatorContext() {
            public String operatorName() {
                return "fp";
            }

            public int channel() {
                return 0;
            }

            public int channelCount() {
                return 1;
            }

            public BufferAllocator allocator() {
                return allocator;
            }

            public dev.numbat.core.operator.Metrics metrics() {
                return null;
            }
        });
        return op;
    }

    /** All rows kept: plain columns share the input's buffers and outlive it; computed ones are evaluated. */
    @Test
    void filterKeepingEveryRowPassesColumnsThroughZeroCopy() throws Exception {
        Expr all = call(Fn.GE, Types.BOOLEAN, col(0), new Expr.Literal(0L, Types.BIGINT));
        OperatorFactory f = FilterProjectOperator.factory(LINEITEM, all, List.of(col(0), discPrice(), col(4)),
                List.of("k", "p", "c"));
        BatchBuilder input = manyLineitems(300);
        try (BufferAllocator allocator = TestAllocator.create();
             BufferAllocator upstream = allocator.newChildAllocator("upstream", 0, Long.MAX_VALUE);
             BufferAllocator channel = allocator.newChildAllocator("channel", 0, Long.MAX_VALUE)) {
            FilterProjectOperator op = open(f, channel);
            org.apache.arrow.vector.VectorSchemaRoot out;
            try (org.apache.arrow.vector.VectorSchemaRoot in = input.build(upstream)) {
                out = op.apply(in);
                assertThat(out.getRowCount()).isEqualTo(300);
                assertThat(out.getVector(0).getDataBuffer().memoryAddress())
                        .isEqualTo(in.getVector(0).getDataBuffer().memoryAddress());
                assertThat(out.getVector(2).getDataBuffer().memoryAddress())
                        .isEqualTo(in.getVector(4).getDataBuffer().memoryAddress());
            }
            try (out) { // still readable after the input is closed
                for (int i = 0; i < 300; i++) {
                    List<Object> r = input.rowsAsLists().get(i);
                    assertThat(out.getVector(0).getObject(i)).isEqualTo(r.get(0));
                    Object c = out.getVector(2).getObject(i);
                    assertThat(c == null ? null : c.toString()).isEqualTo(r.get(4));
                    BigDecimal price = (BigDecimal) r.get(1);
                    Object p = out.getVector(1).getObject(i);
                    assertThat(p).isEqualTo(price == null ? null
                            : price.multiply(BigDecimal.ONE.subtract((BigDecimal) r.get(2))).setScale(4));
                }
            }
            op.close();
        }
    }

    /** Most rows kept: columns are gathered (in runs of consecutive rows); nothing leaks. */
    @Test
    void filterKeepingMostRowsGathers() {
        Expr keep = call(Fn.NE, Types.BOOLEAN, call(Fn.MOD, Types.BIGINT, col(0), new Expr.Literal(37L, Types.BIGINT)),
                new Expr.Literal(5L, Types.BIGINT));
        OperatorFactory f = FilterProjectOperator.factory(LINEITEM, keep, List.of(col(4), discPrice(), col(0), col(1)),
                List.of("c", "p", "k", "price"));
        BatchBuilder input = manyLineitems(500);
        List<List<Object>> expected = new ArrayList<>();
        for (List<Object> r : input.rowsAsLists()) {
            if ((Long) r.get(0) % 37 != 5) {
                BigDecimal price = (BigDecimal) r.get(1);
                expected.add(row(r.get(4), price == null ? null
                        : price.multiply(BigDecimal.ONE.subtract((BigDecimal) r.get(2))).setScale(4), r.get(0), price));
            }
        }
        try (BufferAllocator allocator = TestAllocator.create()) {
            OperatorHarness.of(f, allocator).input(0, input).expectRows(expected).run();
        }
    }

    private static List<List<Object>> concat(List<List<Object>> a, List<List<Object>> b) {
        List<List<Object>> out = new ArrayList<>(a);
        out.addAll(b);
        return out;
    }
}
