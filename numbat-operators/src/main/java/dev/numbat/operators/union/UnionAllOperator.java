package dev.numbat.operators.union;

import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * UNION ALL: passes on every batch of every input unchanged, in arrival order. Inputs must have the same
 * column types. As in SQL, the output columns take the names of the first input; the factory's
 * {@link Factory#outputSchema} says so, and batches of the other inputs are relabelled (zero-copy: their
 * buffers are transferred to vectors carrying the output's field) when their schema differs. Nullability is
 * the OR of the inputs'.
 */
public final class UnionAllOperator implements Operator {
    private final Schema schema;
    private BufferAllocator allocator;

    /** A union relabelling batches to {@code schema}, or passing them on as they are when it is null. */
    public UnionAllOperator(Schema schema) {
        this.schema = schema;
    }

    /** A factory whose output keeps each batch's own schema (when all inputs share their column names). */
    public static Factory factory() {
        return new Factory(null);
    }

    /** A factory that relabels every batch to {@code schema} (the planner's row type of the union). */
    public static Factory factory(Schema schema) {
        return new Factory(schema.toJson());
    }

    @Override
    public void open(OperatorContext context) {
        allocator = context.allocator();
    }

    @Override
    public void process(int input, VectorSchemaRoot batch, Emitter out) {
        if (batch.getRowCount() == 0) {
            batch.close();
            return;
        }
        if (schema == null || batch.getSchema().equals(schema)) {
            out.emit(batch);
            return;
        }
        VectorSchemaRoot relabelled;
        try {
            relabelled = relabel(batch, schema, allocator);
        } finally {
            batch.close();
        }
        out.emit(relabelled);
    }

    private static VectorSchemaRoot relabel(VectorSchemaRoot batch, Schema schema, BufferAllocator allocator) {
        List<Field> fields = schema.getFields();
        List<FieldVector> vectors = batch.getFieldVectors();
        if (vectors.size() != fields.size()) {
            throw NumbatException.userError("UNION ALL input has %d columns, the output %d: %s vs %s",
                    vectors.size(), fields.size(), batch.getSchema(), schema);
        }
        List<FieldVector> out = new ArrayList<>(fields.size());
        try {
            for (int c = 0; c < fields.size(); c++) {
                FieldVector v = vectors.get(c);
                Field f = fields.get(c);
                if (!v.getField().getType().equals(f.getType())) {
                    throw NumbatException.userError("UNION ALL column %d is %s in one input and %s in the output",
                            c, v.getField().getType(), f.getType());
                }
                TransferPair pair = v.getTransferPair(f, allocator);
                pair.transfer();
                out.add((FieldVector) pair.getTo());
            }
        } catch (RuntimeException | Error e) {
            out.forEach(FieldVector::close);
            throw e;
        }
        return new VectorSchemaRoot(schema, out, batch.getRowCount());
    }

    /** Creates {@link UnionAllOperator}s; serializable configuration only (the schema as Arrow JSON). */
    public static final class Factory implements OperatorFactory {
        @Serial
        private static final long serialVersionUID = 1L;

        private final String schemaJson;

        private Factory(String schemaJson) {
            this.schemaJson = schemaJson;
        }

        /** The schema batches are relabelled to, or null when they keep their own. */
        public Schema schema() {
            try {
                return schemaJson == null ? null : Schema.fromJSON(schemaJson);
            } catch (java.io.IOException e) {
                throw NumbatException.internal("cannot read the UNION ALL schema", e);
            }
        }

        @Override
        public Operator create(int channel) {
            return new UnionAllOperator(schema());
        }

        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            Schema fixed = schema();
            if (fixed != null) {
                return fixed;
            }
            Schema first = inputSchemas.get(0);
            List<Field> fields = new ArrayList<>(first.getFields());
            for (Schema other : inputSchemas.subList(1, inputSchemas.size())) {
                if (other.getFields().size() != fields.size()) {
                    throw NumbatException.userError("UNION ALL inputs have %d and %d columns", fields.size(),
                            other.getFields().size());
                }
                for (int c = 0; c < fields.size(); c++) {
                    Field f = fields.get(c);
                    Field o = other.getFields().get(c);
                    if (!f.getType().equals(o.getType())) {
                        throw NumbatException.userError("UNION ALL column %d is %s in one input and %s in another",
                                c, f.getType(), o.getType());
                    }
                    if (o.isNullable() && !f.isNullable()) {
                        fields.set(c, new Field(f.getName(), new FieldType(
                                true, f.getType(), f.getDictionary(), f.getMetadata()), f.getChildren()));
                    }
                }
            }
            return new Schema(fields, first.getCustomMetadata());
        }

        @Override
        public String name() {
            return "union-all";
        }
    }
}
