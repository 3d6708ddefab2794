package dev.numbat.operators.testing;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Builds small input batches for operator tests from plain Java values, row by row:
 * <pre>{@code
 * VectorSchemaRoot batch = BatchBuilder.of(schema)
 *         .row(1L, "a", new BigDecimal("1.50"), LocalDate.of(2024, 1, 31), null)
 *         .row(2L, null, null, null, true)
 *         .build(allocator);
 * }</pre>
 * Values are converted by the column's vector type: integers and floats from any {@link Number} (range
 * checked for integers), DECIMAL from {@link BigDecimal} (or any Number; rescaled only when exact), VARCHAR
 * from {@link String}, VARBINARY from {@code byte[]}, DATE from {@link LocalDate}, TIMESTAMP from
 * {@link LocalDateTime} (taken as UTC) or {@link Instant}, BOOLEAN from {@link Boolean}; {@code null} is NULL.
 * A raw {@code Long}/{@code Integer} is also accepted for DATE (days) and TIMESTAMP (the stored value).
 *
 * <p>The builder keeps the rows, so {@link #build} may be called again for another copy. It is not
 * thread-safe. Every batch returned belongs to the caller (or to the {@link OperatorHarness} it is given to).
 */
public final class BatchBuilder {
    private final Schema schema;
    private final List<Object[]> rows = new ArrayList<>();

    private BatchBuilder(Schema schema) {
        this.schema = Objects.requireNonNull(schema, "schema");
    }

    public static BatchBuilder of(Schema schema) {
        return new BatchBuilder(schema);
    }

    public static BatchBuilder of(Field... fields) {
        return new BatchBuilder(new Schema(List.of(fields)));
    }

    public Schema schema() {
        return schema;
    }

    /** Adds one row; it must have one value per column of the schema. */
    public BatchBuilder row(Object... values) {
        Object[] copy = values == null ? new Object[] {null} : values.clone();
        if (copy.length != schema.getFields().size()) {
            throw new IllegalArgumentException("row " + Arrays.toString(copy) + " has " + copy.length
                    + " values for " + schema.getFields().size() + " columns of " + schema);
        }
        rows.add(copy);
        return this;
    }

    /** Adds every row of {@code rowList}. */
    public BatchBuilder rows(List<? extends List<?>> rowList) {
        for (List<?> r : rowList) {
            row(r.toArray());
        }
        return this;
    }

    public int rowCount() {
        return rows.size();
    }

    /** The rows added so far, as lists (copies; NULL as {@code null}). */
    public List<List<Object>> rowsAsLists() {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (Object[] r : rows) {
            out.add(Arrays.asList(r.clone()));
        }
        return out;
    }

    /** A new batch holding all rows, allocated from {@code allocator} and owned by the caller. */
    public VectorSchemaRoot build(BufferAllocator allocator) {
        return build(allocator, 0, rows.size());
    }

    /** New batches of at most {@code rowsPerBatch} rows each (none when there are no rows). */
    public List<VectorSchemaRoot> buildChunks(BufferAllocator allocator, int rowsPerBatch) {
        if (rowsPerBatch <= 0) {
            throw new IllegalArgumentException("rowsPerBatch must be positive: " + rowsPerBatch);
        }
        List<VectorSchemaRoot> out = new ArrayList<>();
        try {
            for (int from = 0; from < rows.size(); from += rowsPerBatch) {
                out.add(build(allocator, from, Math.min(rows.size(), from + rowsPerBatch)));
            }
        } catch (RuntimeException e) {
            out.forEach(VectorSchemaRoot::close);
            throw e;
        }
        return out;
    }

    private VectorSchemaRoot build(BufferAllocator allocator, int from, int to) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        try {
            int n = to - from;
            List<FieldVector> vectors = root.getFieldVectors();
            for (int c = 0; c < vectors.size(); c++) {
                FieldVector v = vectors.get(c);
                v.setInitialCapacity(Math.max(n, 1));
                v.allocateNew();
                for (int r = 0; r < n; r++) {
                    set(v, r, rows.get(from + r)[c]);
                }
                v.setValueCount(n);
            }
            root.setRowCount(n);
            return root;
        } catch (RuntimeException e) {
            root.close();
            throw e;
        }
    }

    /** Writes {@code value} (converted as described in the class comment) into row {@code i} of {@code v}. */
    public static void set(FieldVector v, int i, Object value) {
        if (value == null) {
            if (v instanceof NullVector) {
                return;
            }
            v.setNull(i);
            return;
        }
        try {
            if (v instanceof BigIntVector x) {
                x.setSafe(i, integral(value, Long.MIN_VALUE, Long.MAX_VALUE));
            } else if (v instanceof IntVector x) {
                x.setSafe(i, (int) integral(value, Integer.MIN_VALUE, Integer.MAX_VALUE));
            } else if (v instanceof SmallIntVector x) {
                x.setSafe(i, (short) integral(value, Short.MIN_VALUE, Short.MAX_VALUE));
            } else if (v instanceof TinyIntVector x) {
                x.setSafe(i, (byte) integral(value, Byte.MIN_VALUE, Byte.MAX_VALUE));
            } else if (v instanceof Float8Vector x) {
                x.setSafe(i, ((Number) value).doubleValue());
            } else if (v instanceof Float4Vector x) {
                x.setSafe(i, ((Number) value).floatValue());
            } else if (v instanceof DecimalVector x) {
                BigDecimal d = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
                x.setSafe(i, d.setScale(x.getScale(), RoundingMode.UNNECESSARY));
            } else if (v instanceof VarCharVector x) {
                x.setSafe(i, value.toString().getBytes(StandardCharsets.UTF_8));
            } else if (v instanceof LargeVarCharVector x) {
                x.setSafe(i, value.toString().getBytes(StandardCharsets.UTF_8));
            } else if (v instanceof VarBinaryVector x) {
                x.setSafe(i, value instanceof byte[] b ? b : value.toString().getBytes(StandardCharsets.UTF_8));
            } else if (v instanceof DateDayVector x) {
                x.setSafe(i, value instanceof LocalDate d ? Math.toIntExact(d.toEpochDay())
                        : (int) integral(value, Integer.MIN_VALUE, Integer.MAX_VALUE));
            } else if (v instanceof DateMilliVector x) {
                x.setSafe(i, value instanceof LocalDate d ? d.toEpochDay() * 86_400_000L
                        : integral(value, Long.MIN_VALUE, Long.MAX_VALUE));
            } else if (v instanceof TimeStampVector x) {
                x.setSafe(i, timestamp(x, value));
            } else if (v instanceof BitVector x) {
                x.setSafe(i, ((Boolean) value) ? 1 : 0);
            } else {
                throw new IllegalArgumentException("BatchBuilder does not support " + v.getField().getType()
                        + " (column '" + v.getName() + "')");
            }
        } catch (ClassCastException | ArithmeticException e) {
            throw new IllegalArgumentException("cannot store " + value + " (" + value.getClass().getSimpleName()
                    + ") in column '" + v.getName() + "' of type " + v.getField().getType(), e);
        }
    }

    private static long integral(Object value, long min, long max) {
        long l;
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            l = ((Number) value).longValue();
        } else if (value instanceof BigDecimal d) {
            l = d.longValueExact();
        } else {
            throw new ClassCastException("not an integer: " + value);
        }
        if (l < min || l > max) {
            throw new ArithmeticException(l + " is out of range [" + min + ", " + max + "]");
        }
        return l;
    }

    private static long timestamp(TimeStampVector v, Object value) {
        if (value instanceof Long || value instanceof Integer) {
            return ((Number) value).longValue();
        }
        Instant instant = value instanceof LocalDateTime t ? t.toInstant(ZoneOffset.UTC) : (Instant) value;
        ArrowType.Timestamp type = (ArrowType.Timestamp) v.getField().getType();
        return switch (type.getUnit()) {
            case SECOND -> instant.getEpochSecond();
            case MILLISECOND -> instant.toEpochMilli();
            case MICROSECOND -> ChronoUnit.MICROS.between(Instant.EPOCH, instant);
            case NANOSECOND -> ChronoUnit.NANOS.between(Instant.EPOCH, instant);
        };
    }
}
