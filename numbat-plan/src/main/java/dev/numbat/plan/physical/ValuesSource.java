package dev.numbat.plan.physical;

import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The rows of a Calcite {@code Values} as a one-split source. Rows hold plain Java values as
 * {@link RexToExpr} produces for literals (Boolean, Long, Double, BigDecimal, String, LocalDate, LocalDateTime);
 * serializable, the schema kept as Arrow JSON.
 */
public final class ValuesSource implements Source {
    @Serial
    private static final long serialVersionUID = 1L;

    private final String schemaJson;
    private final ArrayList<ArrayList<Object>> rows;
    private transient Schema schema;

    public ValuesSource(Schema schema, List<List<Object>> rows) {
        this.schemaJson = schema.toJson();
        this.schema = schema;
        this.rows = new ArrayList<>();
        for (List<Object> r : rows) {
            this.rows.add(new ArrayList<>(r));
        }
    }

    @Serial
    private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
        in.defaultReadObject();
        schema = Schema.fromJSON(schemaJson);
    }

    @Override
    public Schema schema() {
        return schema;
    }

    /** The rows, as given (read-only). */
    public List<List<Object>> rows() {
        return java.util.Collections.<List<Object>>unmodifiableList(rows);
    }

    @Override
    public List<Split> splits(int targetSplits) {
        return List.of(new ValuesSplit(rows.size() * 16L));
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        return new SplitReader() {
            boolean done;

            @Override
            public VectorSchemaRoot next() {
                if (done) {
                    return null;
                }
                done = true;
                return build(allocator);
            }

            @Override
            public void close() {
            }
        };
    }

    private VectorSchemaRoot build(BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        try {
            root.allocateNew();
            List<FieldVector> vectors = root.getFieldVectors();
            for (int r = 0; r < rows.size(); r++) {
                for (int c = 0; c < vectors.size(); c++) {
                    set(vectors.get(c), r, rows.get(r).get(c));
                }
            }
            root.setRowCount(rows.size());
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    private static void set(FieldVector v, int row, Object value) {
        if (value == null) {
            v.setNull(row);
            return;
        }
        if (v instanceof BitVector b) {
            b.setSafe(row, (Boolean) value ? 1 : 0);
        } else if (v instanceof TinyIntVector t) {
            t.setSafe(row, ((Number) value).byteValue());
        } else if (v instanceof SmallIntVector s) {
            s.setSafe(row, ((Number) value).shortValue());
        } else if (v instanceof IntVector i) {
            i.setSafe(row, ((Number) value).intValue());
        } else if (v instanceof BigIntVector b) {
            b.setSafe(row, ((Number) value).longValue());
        } else if (v instanceof Float4Vector f) {
            f.setSafe(row, ((Number) value).floatValue());
        } else if (v instanceof Float8Vector f) {
            f.setSafe(row, ((Number) value).doubleValue());
        } else if (v instanceof DecimalVector d) {
            d.setSafe(row, ((BigDecimal) value).setScale(d.getScale()));
        } else if (v instanceof VarCharVector s) {
            s.setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof DateDayVector d) {
            d.setSafe(row, (int) ((LocalDate) value).toEpochDay());
        } else if (v instanceof TimeStampMicroVector t) {
            t.setSafe(row, ChronoUnit.MICROS.between(LocalDateTime.ofEpochSecond(0, 0, ZoneOffset.UTC),
                    (LocalDateTime) value));
        } else {
            throw NumbatException.userError("VALUES of type %s are not supported", v.getField().getType());
        }
    }

    @Override
    public String describe() {
        return "values(" + rows.size() + " rows)";
    }

    record ValuesSplit(long sizeBytes) implements Split {
        @Override
        public String describe() {
            return "values";
        }
    }
}
