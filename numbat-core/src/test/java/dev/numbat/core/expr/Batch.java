package dev.numbat.core.expr;

import dev.numbat.core.batch.Values;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Builds small input batches for expression tests from plain Java values, and reads results back. */
final class Batch {
    private final List<Field> fields = new ArrayList<>();
    private final List<Object[]> rows = new ArrayList<>();

    static Batch of(ArrowType... types) {
        Batch b = new Batch();
        for (int i = 0; i < types.length; i++) {
            b.fields.add(new Field("c" + i, FieldType.nullable(types[i]), null));
        }
        return b;
    }

    Batch row(Object... values) {
        if (values.length != fields.size()) {
            throw new IllegalArgumentException(Arrays.toString(values));
        }
        rows.add(values.clone());
        return this;
    }

    /** One column, one row per value. */
    static Batch column(ArrowType type, Object... values) {
        Batch b = of(type);
        for (Object v : values) {
            b.row(v);
        }
        return b;
    }

    Expr.Column col(int i) {
        return new Expr.Column(i, fields.get(i).getType(), true);
    }

    VectorSchemaRoot build(BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
        int n = rows.size();
        for (int c = 0; c < fields.size(); c++) {
            FieldVector v = root.getVector(c);
            v.setInitialCapacity(Math.max(1, n));
            v.allocateNew();
            for (int r = 0; r < n; r++) {
                set(v, r, rows.get(r)[c]);
            }
            v.setValueCount(n);
        }
        root.setRowCount(n);
        return root;
    }

    static void set(FieldVector v, int i, Object value) {
        if (value == null) {
            v.setNull(i);
        } else if (v instanceof BigIntVector x) {
            x.setSafe(i, ((Number) value).longValue());
        } else if (v instanceof IntVector x) {
            x.setSafe(i, ((Number) value).intValue());
        } else if (v instanceof Float8Vector x) {
            x.setSafe(i, ((Number) value).doubleValue());
        } else if (v instanceof DecimalVector x) {
            BigDecimal d = value instanceof BigDecimal b ? b : new BigDecimal(value.toString());
            x.setSafe(i, d.setScale(x.getScale(), RoundingMode.UNNECESSARY));
        } else if (v instanceof VarCharVector x) {
            x.setSafe(i, value.toString().getBytes(StandardCharsets.UTF_8));
        } else if (v instanceof DateDayVector x) {
            x.setSafe(i, (int) ((LocalDate) value).toEpochDay());
        } else if (v instanceof TimeStampMicroVector x) {
            x.setSafe(i, ChronoUnit.MICROS.between(java.time.Instant.EPOCH,
                    ((LocalDateTime) value).toInstant(ZoneOffset.UTC)));
        } else if (v instanceof BitVector x) {
            x.setSafe(i, (Boolean) value ? 1 : 0);
        } else {
            throw new IllegalArgumentException(v.getField().toString());
        }
    }

    /** The values of a vector as Java objects (Values.get), NULL as null. */
    static List<Object> values(FieldVector v) {
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < v.getValueCount(); i++) {
            Object o = Values.get(v, i);
            out.add(o);
        }
        return out;
    }

    /** Evaluates {@code e} over this batch and returns its values. */
    List<Object> eval(Expr e, BufferAllocator allocator) {
        try (VectorSchemaRoot root = build(allocator);
             FieldVector v = ExprCompiler.compile(e).evaluate(root, allocator, "r")) {
            if (!v.getField().getType().equals(e.type())) {
                throw new AssertionError("result type " + v.getField().getType() + " for " + e.type());
            }
            return values(v);
        }
    }

    static Expr.Literal lit(Object value, ArrowType type) {
        return new Expr.Literal(value, type);
    }

    static Expr.Call call(Fn fn, ArrowType type, Expr... args) {
        boolean nullable = false;
        for (Expr a : args) {
            nullable |= a.nullable();
        }
        return new Expr.Call(fn, List.of(args), type, nullable || true);
    }
}
