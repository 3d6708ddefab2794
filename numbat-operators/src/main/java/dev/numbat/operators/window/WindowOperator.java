package dev.numbat.operators.window;

import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.operators.common.RowAddressGather;
import dev.numbat.operators.sort.SortBuffer;
import java.io.Serial;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Window functions over one {@link WindowSpec}: holds every input batch (moved into the channel's allocator) in a
 * {@link SortBuffer}, and in {@link #finish} sorts the rows by (partition columns, order keys), finds the
 * partition and peer-group boundaries, computes each {@link WindowCall} partition by partition in loops over the
 * sorted rows (see {@link WindowEvaluator}) and emits the input columns in that order followed by one column per
 * call, in batches of at most {@code outputBatchRows} rows. One input (ordinal 0).
 *
 * <p>The operator computes over the rows its channel sees: a planner must send all rows of a partition to the
 * same channel (a hash exchange on the partition columns, or one channel when there are none). Output types:
 * ROW_NUMBER, RANK, DENSE_RANK and COUNT are non-NULL BIGINT; SUM of an integer is BIGINT, of a DECIMAL(p, s)
 * DECIMAL(38, s), of a float DOUBLE; AVG is DOUBLE; MIN, MAX, LAG, LEAD, FIRST_VALUE and LAST_VALUE have the
 * argument's type. Spilling is not done yet.
 */
public final class WindowOperator implements Operator {
    /** The most rows an output batch holds unless configured otherwise. */
    public static final int DEFAULT_OUTPUT_BATCH_ROWS = 65_536;

    private final WindowSpec spec;
    private final List<WindowCall> calls;
    private final int outputBatchRows;
    private BufferAllocator allocator;
    private SortBuffer buffer;

    public WindowOperator(WindowSpec spec, List<WindowCall> calls, int outputBatchRows) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.calls = List.copyOf(Objects.requireNonNull(calls, "calls"));
        if (outputBatchRows <= 0) {
            throw new IllegalArgumentException("outputBatchRows must be positive: " + outputBatchRows);
        }
        this.outputBatchRows = outputBatchRows;
    }

    /** A factory computing {@code calls} over {@code spec}. */
    public static Factory factory(WindowSpec spec, List<WindowCall> calls) {
        return new Factory(spec, calls, DEFAULT_OUTPUT_BATCH_ROWS);
    }

    @Override
    public void open(OperatorContext context) {
        allocator = context.allocator();
        buffer = new SortBuffer(spec.sortKeys());
    }

    @Override
    public void process(int input, VectorSchemaRoot batch, Emitter out) {
        if (batch.getRowCount() == 0) {
            batch.close();
            return;
        }
        buffer.append(Batches.transfer(batch, allocator));
    }

    @Override
    public void finish(int input, Emitter out) {
        try {
            if (buffer.size() > 0) {
                Schema schema = buffer.schema();
                Schema outSchema = outputSchema(schema, calls);
                new WindowEvaluator(buffer, spec, calls, schema, outSchema, allocator).emit(outputBatchRows, out);
            }
        } finally {
            buffer.clear();
        }
    }

    @Override
    public void close() {
        if (buffer != null) {
            buffer.close();
            buffer = null;
        }
    }

    /** The input's columns followed by one column per call (types as in the class comment). */
    static Schema outputSchema(Schema in, List<WindowCall> calls) {
        List<Field> fields = new ArrayList<>(in.getFields());
        for (WindowCall call : calls) {
            fields.add(resultField(in, call));
        }
        return new Schema(fields);
    }

    static Field resultField(Schema in, WindowCall call) {
        Field arg = null;
        if (call.function().takesArgument()) {
            if (call.argument() >= in.getFields().size()) {
                throw NumbatException.userError("window argument column %d is outside the %d columns of %s",
                        call.argument(), in.getFields().size(), in);
            }
            arg = in.getFields().get(call.argument());
        }
        ArrowType bigint = new ArrowType.Int(64, true);
        ArrowType dbl = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
        return switch (call.function()) {
            case ROW_NUMBER, RANK, DENSE_RANK, COUNT, COUNT_STAR ->
                    new Field(call.name(), new FieldType(false, bigint, null), null);
            case AVG -> {
                requireNumber(arg, call);
                yield new Field(call.name(), FieldType.nullable(dbl), null);
            }
            case SUM, SUM0 -> {
                ArrowType t = switch (requireNumber(arg, call)) {
                    case Int -> bigint;
                    case FloatingPoint -> dbl;
                    default -> new ArrowType.Decimal(38, ((ArrowType.Decimal) arg.getType()).getScale(), 128);
                };
                yield new Field(call.name(), new FieldType(call.function() == WindowFunction.SUM, t, null), null);
            }
            case MIN, MAX, LAG, LEAD, FIRST_VALUE, LAST_VALUE ->
                    new Field(call.name(), new FieldType(true, arg.getType(), arg.getDictionary(),
                            arg.getMetadata()), arg.getChildren());
        };
    }

    private static ArrowType.ArrowTypeID requireNumber(Field arg, WindowCall call) {
        ArrowType.ArrowTypeID id = arg.getType().getTypeID();
        if (id != ArrowType.ArrowTypeID.Int && id != ArrowType.ArrowTypeID.FloatingPoint
                && id != ArrowType.ArrowTypeID.Decimal) {
            throw NumbatException.userError("%s needs a numeric argument, column '%s' is %s", call.function(),
                    arg.getName(), arg.getType());
        }
        return id;
    }

    /** Creates {@link WindowOperator}s; serializable configuration only. */
    public static final class Factory implements OperatorFactory {
        @Serial
        private static final long serialVersionUID = 1L;

        private final WindowSpec spec;
        private final List<WindowCall> calls;
        private final int outputBatchRows;

        public Factory(WindowSpec spec, List<WindowCall> calls, int outputBatchRows) {
            this.spec = Objects.requireNonNull(spec, "spec");
            this.calls = List.copyOf(Objects.requireNonNull(calls, "calls"));
            if (this.calls.isEmpty()) {
                throw new IllegalArgumentException("a window operator needs at least one call");
            }
            if (outputBatchRows <= 0) {
                throw new IllegalArgumentException("outputBatchRows must be positive: " + outputBatchRows);
            }
            this.outputBatchRows = outputBatchRows;
        }

        public WindowSpec spec() {
            return spec;
        }

        public List<WindowCall> calls() {
            return calls;
        }

        public int outputBatchRows() {
            return outputBatchRows;
        }

        /** The same window with output batches of at most {@code rows} rows. */
        public Factory withOutputBatchRows(int rows) {
            return new Factory(spec, calls, rows);
        }

        @Override
        public Operator create(int channel) {
            return new WindowOperator(spec, calls, outputBatchRows);
        }

        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            Schema in = inputSchemas.get(0);
            for (var k : spec.sortKeys()) {
                if (k.column() >= in.getFields().size()) {
                    throw NumbatException.userError("window key %s is outside the %d columns of %s", k,
                            in.getFields().size(), in);
                }
            }
            return WindowOperator.outputSchema(in, calls);
        }

        @Override
        public String name() {
            return "window";
        }

        @Override
        public String toString() {
            return "Window[" + spec + ", " + calls + "]";
        }
    }
}
