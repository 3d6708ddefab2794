package dev.numbat.operators.project;

import dev.numbat.core.expr.CompiledExpr;
import dev.numbat.core.expr.Evaluation;
import dev.numbat.core.expr.Expr;
import dev.numbat.core.expr.ExprCompiler;
import dev.numbat.core.expr.SerializableExpr;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/**
 * WHERE then SELECT over one batch at a time: keeps the rows where the filter is TRUE (a selection vector,
 * no copy of the input), then computes each projection for the kept rows only. A projection that is a plain
 * column is passed through without copying (a reference-counted slice of the input's buffers) when the filter
 * kept every row, and gathered otherwise. A batch with no rows left is closed, not emitted.
 */
public final class FilterProjectOperator implements Operator {
    private final CompiledExpr filter;
    private final List<CompiledExpr> projections;
    private final List<Field> fields;
    private final Schema schema;
    private BufferAllocator allocator;
    private int[] selection = new int[0];

    private FilterProjectOperator(Factory f) {
        this.filter = f.filter == null ? null : ExprCompiler.compile(f.filter());
        List<CompiledExpr> ps = new ArrayList<>(f.projections.size());
        for (Expr e : f.projections()) {
            ps.add(ExprCompiler.compile(e));
        }
        this.projections = ps;
        this.schema = f.schema();
        this.fields = schema.getFields();
    }

    /** Keeps rows where filter is TRUE (filter may be null = all rows), then computes projections, output columns named `names`. A projection that is a plain Expr.Column is passed through zero-copy (slice/transfer) when no rows were filtered out. */
    public static OperatorFactory factory(Schema inputSchema, Expr filter, List<Expr> projections, List<String> names) {
        return new Factory(inputSchema, filter, projections, names);
    }

    @Override
    public void open(OperatorContext context) {
        allocator = context.allocator();
    }

    @Override
    public void process(int input, VectorSchemaRoot batch, Emitter out) {
        VectorSchemaRoot result;
        try {
            result = apply(batch);
        } finally {
            batch.close();
        }
        if (result != null) {
            out.emit(result);
        }
    }

    /** The output for {@code batch} (which stays the caller's), or null when no row passes the filter. */
    VectorSchemaRoot apply(VectorSchemaRoot batch) {
        int rows = batch.getRowCount();
        if (rows == 0) {
            return null;
        }
        Evaluation eval = new Evaluation(batch);
        int kept = rows;
        if (filter != null) {
            if (selection.length < rows) {
                selection = new int[rows];
            }
            kept = eval.select(filter, selection);
            if (kept == 0) {
                return null;
            }
        }
        boolean all = kept == rows;
        int[] sel = selection;
        List<FieldVector> vectors = new ArrayList<>(projections.size());
        try {
            for (int p = 0; p < projections.size(); p++) {
                CompiledExpr e = projections.get(p);
                Field field = fields.get(p);
                if (e.expr() instanceof Expr.Column c) {
                    vectors.add(passThrough(batch.getVector(c.index()), field, all, sel, kept));
                } else if (all) {
                    // Every row kept: evaluate densely over the whole batch, no selection to build.
                    vectors.add(eval.evaluate(e, allocator, field.getName()));
                } else {
                    vectors.add(eval.evaluate(e, sel, kept, allocator, field.getName()));
                }
            }
        } catch (RuntimeException | Error e) {
            vectors.forEach(FieldVector::close);
            throw e;
        }
        return new VectorSchemaRoot(schema, vectors, kept);
    }

    private FieldVector passThrough(FieldVector from, Field field, boolean all, int[] sel, int count) {
        FieldVector to = field.createVector(allocator);
        try {
            if (all) {
                // Zero-copy: the output shares the input's buffers (reference-counted slices).
                TransferPair pair = from.makeTransferPair(to);
                pair.splitAndTransfer(0, count);
            } else {
                // Most rows kept (typical): Gather copies runs of consecutive rows with one memcpy each.
                // Gather through a one-column batch, reusing the typed copy loops of Batches.gather.
                VectorSchemaRoot one = new VectorSchemaRoot(List.of(from));
                try (VectorSchemaRoot g = dev.numbat.core.batch.Batches.gather(one, sel, count, allocator)) {
                    g.getVector(0).makeTransferPair(to).transfer();
                }
            }
            return to;
        } catch (RuntimeException | Error e) {
            to.close();
            throw e;
        }
    }

    /** Creates {@link FilterProjectOperator}s; holds only the (serializable) expressions and names. */
    public static final class Factory implements OperatorFactory {
        @Serial
        private static final long serialVersionUID = 1L;

        private final int inputColumns;
        // Expr holds Arrow types, which Java serialization cannot write: keep the serializable form.
        private final SerializableExpr filter;
        private final List<SerializableExpr> projections;
        private final List<String> names;

        Factory(Schema inputSchema, Expr filter, List<Expr> projections, List<String> names) {
            Objects.requireNonNull(inputSchema, "inputSchema");
            Objects.requireNonNull(projections, "projections");
            this.names = List.copyOf(Objects.requireNonNull(names, "names"));
            if (projections.size() != this.names.size()) {
                throw new IllegalArgumentException(projections.size() + " projections but " + names.size() + " names");
            }
            this.filter = SerializableExpr.of(filter);
            this.projections = projections.stream().map(SerializableExpr::of).toList();
            this.inputColumns = inputSchema.getFields().size();
            // Compile once here so that type errors surface when the plan is built, not on the first batch.
            if (filter != null) {
                if (!(filter.type() instanceof ArrowType.Bool)) {
                    throw dev.numbat.core.NumbatException.userError("a filter must be BOOLEAN, not %s", filter.type());
                }
                ExprCompiler.compile(filter);
            }
            projections.forEach(ExprCompiler::compile);
            checkColumns(filter);
            projections.forEach(this::checkColumns);
        }

        private void checkColumns(Expr e) {
            if (e instanceof Expr.Column c && c.index() >= inputColumns) {
                throw new IllegalArgumentException("column " + c.index() + " of an input with " + inputColumns
                        + " columns");
            } else if (e instanceof Expr.Call call) {
                call.args().forEach(this::checkColumns);
            }
        }

        /** The number of columns of the input (what the expressions' column indices refer to). */
        public int inputColumns() {
            return inputColumns;
        }

        /** The filter, or null. */
        public Expr filter() {
            return SerializableExpr.exprOf(filter);
        }

        public List<Expr> projections() {
            return projections.stream().map(SerializableExpr::expr).toList();
        }

        public List<String> names() {
            return names;
        }

        Schema schema() {
            List<Field> fields = new ArrayList<>(projections.size());
            for (int i = 0; i < projections.size(); i++) {
                Expr e = projections.get(i).expr();
                fields.add(new Field(names.get(i), new FieldType(e.nullable(), e.type(), null), null));
            }
            return new Schema(fields);
        }

        @Override
        public Operator create(int channel) {
            return new FilterProjectOperator(this);
        }

        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            return schema();
        }

        @Override
        public String name() {
            return "filter-project";
        }

        @Override
        public String toString() {
            return "FilterProject" + (filter == null ? "" : " where " + filter) + " select " + projections;
        }
    }
}
