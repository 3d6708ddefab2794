package dev.numbat.io.write;

import dev.numbat.core.operator.Metrics;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.Text;

/** Shared helpers for the I/O tests: drive writer operators per channel, read a source into rows. */
public final class IoTestSupport {
    private IoTestSupport() {
    }

    /** (id BIGINT, n INT, amount DECIMAL(15,2), d DATE, x DOUBLE, s VARCHAR), all nullable. */
    public static final Schema MIXED = new Schema(List.of(
            Field.nullable("id", new ArrowType.Int(64, true)),
            Field.nullable("n", new ArrowType.Int(32, true)),
            Field.nullable("amount", new ArrowType.Decimal(15, 2, 128)),
            Field.nullable("d", new ArrowType.Date(DateUnit.DAY)),
            Field.nullable("x", new ArrowType.FloatingPoint(org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE)),
            Field.nullable("s", ArrowType.Utf8.INSTANCE)));

    /** Rows {@code [from, from + count)} of a deterministic mixed data set with NULLs and awkward strings. */
    public static VectorSchemaRoot mixedBatch(BufferAllocator allocator, long from, int count) {
        VectorSchemaRoot root = VectorSchemaRoot.create(MIXED, allocator);
        BigIntVector id = (BigIntVector) root.getVector(0);
        IntVector n = (IntVector) root.getVector(1);
        DecimalVector amount = (DecimalVector) root.getVector(2);
        DateDayVector d = (DateDayVector) root.getVector(3);
        Float8Vector x = (Float8Vector) root.getVector(4);
        VarCharVector s = (VarCharVector) root.getVector(5);
        for (int i = 0; i < count; i++) {
            long k = from + i;
            id.setSafe(i, k);
            if (k % 7 == 3) {
                n.setNull(i);
            } else {
                n.setSafe(i, (int) (k % 1000) - 500);
            }
            if (k % 11 == 5) {
                amount.setNull(i);
            } else {
                amount.setSafe(i, BigDecimal.valueOf(k * 37 % 100_000_00, 2).subtract(BigDecimal.valueOf(12345, 2)));
            }
            if (k % 13 == 1) {
                d.setNull(i);
            } else {
                d.setSafe(i, (int) (LocalDate.of(1995, 1, 1).toEpochDay() + k % 3000));
            }
            if (k % 17 == 2) {
                x.setNull(i);
            } else {
                x.setSafe(i, k * 0.25 - 3.5);
            }
            String[] texts = {"plain", " leading space", "trailing space ", "comma, inside", "quote \" inside",
                "line\nbreak", "", "ünïcødé", "semi;colon"};
            if (k % 19 == 4) {
                s.setNull(i);
            } else {
                s.setSafe(i, (texts[(int) (k % texts.length)] + (k % 3 == 0 ? "" : "#" + k))
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
        }
        root.setRowCount(count);
        return root;
    }

    /** Every row of every split of {@code source}, in split order, with values as plain Java objects. */
    public static List<List<Object>> readAll(Source source, BufferAllocator allocator) {
        List<List<Object>> rows = new ArrayList<>();
        for (Split split : source.splits(4)) {
            try (SplitReader reader = source.open(split, allocator)) {
                VectorSchemaRoot b;
                while ((b = reader.next()) != null) {
                    try (VectorSchemaRoot batch = b) {
                        if (!b.getSchema().equals(source.schema())) {
                            throw new AssertionError("batch schema " + b.getSchema() + " != " + source.schema());
                        }
                        rows.addAll(rows(batch));
                    }
                }
            }
        }
        return rows;
    }

    public static List<List<Object>> rows(VectorSchemaRoot b) {
        List<List<Object>> rows = new ArrayList<>();
        for (int r = 0; r < b.getRowCount(); r++) {
            List<Object> row = new ArrayList<>();
            for (FieldVector v : b.getFieldVectors()) {
                Object o = v.getObject(r);
                if (o instanceof Text t) {
                    o = t.toString();
                } else if (v instanceof DateDayVector && o != null) {
                    o = LocalDate.ofEpochDay((Integer) o);
                }
                row.add(o);
            }
            rows.add(row);
        }
        return rows;
    }

    /** Sorts rows by their first column (a unique long id). */
    public static List<List<Object>> sortedById(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>(rows);
        out.sort(Comparator.comparingLong(r -> ((Number) r.get(0)).longValue()));
        return out;
    }

    /**
     * Runs {@code factory} with {@code channels} channels; channel c gets the batches {@code input.apply(c)}
     * produces, then finish and close. Returns the rows the operators emitted (closing the batches).
     */
    public static List<List<Object>> runWriter(OperatorFactory factory, int channels, BufferAllocator allocator,
            java.util.function.IntFunction<List<VectorSchemaRoot>> input) throws Exception {
        List<List<Object>> emitted = new ArrayList<>();
        for (int c = 0; c < channels; c++) {
            try (BufferAllocator channelAllocator = allocator.newChildAllocator("channel-" + c, 0, Long.MAX_VALUE)) {
                Operator op = factory.create(c);
                try (op) {
                    op.open(context(c, channels, channelAllocator));
                    Consumer<VectorSchemaRoot> collect = b -> {
                        try (VectorSchemaRoot batch = b) {
                            emitted.addAll(rows(b));
                        }
                    };
                    for (VectorSchemaRoot batch : input.apply(c)) {
                        op.process(0, dev.numbat.core.batch.Batches.transfer(batch, channelAllocator), collect::accept);
                    }
                    op.finish(0, collect::accept);
                }
            }
        }
        return emitted;
    }

    public static OperatorContext context(int channel, int channels, BufferAllocator allocator) {
        Metrics metrics = new Metrics();
        return new OperatorContext() {
            @Override
            public String operatorName() {
                return "test";
            }

            @Override
            public int channel() {
                return channel;
            }

            @Override
            public int channelCount() {
                return channels;
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

    /** A field list helper for one-off schemas. */
    public static Field notNull(String name, ArrowType type) {
        return new Field(name, FieldType.notNullable(type), null);
    }
}
