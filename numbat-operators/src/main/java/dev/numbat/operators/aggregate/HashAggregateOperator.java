package dev.numbat.operators.aggregate;

import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serial;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * GROUP BY with aggregates, by hashing: {@code SELECT k1, k2, f(a), g(b) ... GROUP BY k1, k2} for zero or
 * more key columns and any {@link AggregateFunction}s, in one of three {@link AggregateMode}s so that a
 * distributed aggregation (PARTIAL on each producer, FINAL after a hash shuffle on the keys) gives exactly
 * the SINGLE answer.
 *
 * <h2>Semantics</h2>
 * SQL's: NULL keys form one group of their own; aggregates skip NULL inputs; over no values counts are 0 and
 * the other functions NULL. With no group keys, SINGLE and FINAL emit exactly one row even for empty input
 * ({@code SELECT count(*) FROM empty} is 0); PARTIAL then emits nothing, which FINAL handles. Output rows are
 * the group keys (same fields as in the input) followed by one column per call named {@link
 * AggregateCall#name()} (SINGLE, FINAL) or by the calls' partial-state columns (PARTIAL, see
 * {@link Factory#partialSchema()}). Rows come in the order their groups were first seen, which callers must
 * not rely on. All output is emitted in {@code finish}, in batches of at most {@value #MAX_BATCH_ROWS} rows.
 *
 * <h2>How</h2>
 * A batch is processed column-at-a-time: every key column hashes its rows ({@link KeyColumn#hash}, a cheap
 * hash private to this operator: short strings are packed into a long), the {@link GroupTable} maps every row to a dense group
 * id, then every {@link Accumulator} folds the whole batch into its primitive per-group arrays in one tight
 * loop. Keys are kept column-wise in primitive arrays and compared column-wise.
 *
 * <h2>Memory</h2>
 * State lives on the Java heap in arrays sized to the number of groups (grown by 1.5x) and the table at most
 * half full; nothing is reserved against a memory budget yet and nothing spills. Arrow memory is only used
 * for the output batches, allocated from the channel allocator in {@code finish} and handed on at once.
 */
public final class HashAggregateOperator implements Operator {
    /** The most rows in one output batch. */
    public static final int MAX_BATCH_ROWS = 65_536;

    private final Factory factory;
    private final AggregateMode mode;
    private final int[] keyColumns;
    private final int[] argColumns;
    private final int[] stateOffsets;
    private final List<Field> expectedInput;
    private final KeyColumn[] keys;
    private final GroupTable table;
    private final Accumulator[] accumulators;

    private OperatorContext context;
    private int groupCount;
    private long[] hashes = new long[0];
    private int[] groupIds = new int[0];
    private int[] identity = new int[0];
    private boolean finished;

    private HashAggregateOperator(Factory factory) {
        this.factory = factory;
        this.mode = factory.mode;
        Schema input = factory.inputSchema();
        int k = factory.groupKeys.length;
        this.keyColumns = mode == AggregateMode.FINAL ? range(k) : factory.groupKeys.clone();
        this.expectedInput = factory.expectedInputSchema().getFields();
        this.keys = new KeyColumn[k];
        for (int c = 0; c < k; c++) {
            keys[c] = KeyColumn.forField(input.getFields().get(factory.groupKeys[c]));
        }
        this.table = k == 0 ? null : new GroupTable(keys);
        List<AggregateCall> calls = factory.calls;
        this.accumulators = new Accumulator[calls.size()];
        this.argColumns = new int[calls.size()];
        this.stateOffsets = new int[calls.size()];
        int offset = k;
        for (int j = 0; j < calls.size(); j++) {
            AggregateCall call = calls.get(j);
            argColumns[j] = call.argument();
            accumulators[j] = Accumulator.create(call, argField(input, call));
            stateOffsets[j] = offset;
            offset += accumulators[j].stateFields().size();
        }
    }

    private static int[] range(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    private static Field argField(Schema input, AggregateCall call) {
        return call.argument() == AggregateCall.NO_ARGUMENT ? null : input.getFields().get(call.argument());
    }

    @Override
    public void open(OperatorContext context) {
        this.context = Objects.requireNonNull(context, "context");
    }

    @Override
    public void process(int input, VectorSchemaRoot batch, Emitter out) {
        try {
            checkInput(input);
            int n = batch.getRowCount();
            if (n == 0) {
                return;
            }
            checkSchema(batch);
            assignGroups(batch, n);
            List<FieldVector> vectors = batch.getFieldVectors();
            for (int j = 0; j < accumulators.length; j++) {
                Accumulator acc = accumulators[j];
                acc.ensureCapacity(groupCount);
                if (mode == AggregateMode.FINAL) {
                    acc.merge(vectors, stateOffsets[j], groupIds, n);
                } else {
                    acc.add(argColumns[j] < 0 ? null : vectors.get(argColumns[j]), groupIds, n);
                }
            }
        } finally {
            batch.close();
        }
    }

    private void checkInput(int input) {
        if (input != 0) {
            throw NumbatException.internal("hash aggregate has one input, got input " + input, null);
        }
        if (finished) {
            throw NumbatException.internal("hash aggregate got input after finish", null);
        }
    }

    /** Same number of columns with the same types, position by position (names may differ). */
    static boolean sameTypes(List<Field> actual, List<Field> expected) {
        if (actual.size() != expected.size()) {
            return false;
        }
        for (int i = 0; i < actual.size(); i++) {
            if (!actual.get(i).getType().equals(expected.get(i).getType())) {
                return false;
            }
        }
        return true;
    }

    private void checkSchema(VectorSchemaRoot batch) {
        List<Field> fields = batch.getSchema().getFields();
        if (!sameTypes(fields, expectedInput)) {
            throw NumbatException.userError("%s expects input columns %s but got %s", factory.name(), expectedInput,
                    fields);
        }
    }

    /** Fills {@code groupIds[0..n)} with the group of every row, creating groups as needed. */
    private void assignGroups(VectorSchemaRoot batch, int n) {
        if (groupIds.length < n) {
            groupIds = new int[n];
        }
        if (table == null) {
            Arrays.fill(groupIds, 0, n, 0);
            groupCount = 1;
            return;
        }
        if (hashes.length < n) {
            hashes = new long[n];
            identity = range(n);
        }
        for (int c = 0; c < keyColumns.length; c++) {
            keys[c].bind(batch.getVector(keyColumns[c]));
            keys[c].hash(n, hashes, c > 0);
        }
        table.findOrInsert(hashes, identity, n, groupIds);
        groupCount = table.size();
    }

    @Override
    public void finish(int input, Emitter out) {
        checkInput(input);
        finished = true;
        int groups = groupCount;
        if (groups == 0 && keys.length == 0 && mode != AggregateMode.PARTIAL) {
            groups = 1; // the one row of a global aggregate over nothing
        }
        for (Accumulator acc : accumulators) {
            acc.ensureCapacity(groups);
        }
        context.metrics().add("aggregate_groups", groups);
        Schema schema = factory.outputSchema();
        for (int from = 0; from < groups; from += MAX_BATCH_ROWS) {
            int count = Math.min(MAX_BATCH_ROWS, groups - from);
            VectorSchemaRoot root = VectorSchemaRoot.create(schema, context.allocator());
            try {
                List<FieldVector> vectors = root.getFieldVectors();
                for (int c = 0; c < keys.length; c++) {
                    keys[c].write(vectors.get(c), null, from, count);
                }
                int col = keys.length;
                for (Accumulator acc : accumulators) {
                    if (mode == AggregateMode.PARTIAL) {
                        acc.writeState(vectors, col, from, count);
                        col += acc.stateFields().size();
                    } else {
                        acc.writeResult(vectors.get(col++), from, count);
                    }
                }
                root.setRowCount(count);
            } catch (RuntimeException | Error e) {
                root.close();
                throw e;
            }
            out.emit(root);
        }
        release();
    }

    private void release() {
        if (table != null) {
            table.clear();
        }
        for (Accumulator acc : accumulators) {
            acc.clear();
        }
        hashes = new long[0];
        groupIds = new int[0];
        identity = new int[0];
    }

    @Override
    public void close() {
        release();
    }

    /**
     * Configures and creates {@link HashAggregateOperator}s. A planner builds one from the aggregate's input
     * schema (the rows being grouped, also for FINAL), the indexes of the GROUP BY columns in that input, and
     * the calls; for a distributed plan it makes {@code partial(...)} for the producers and
     * {@code partial.withMode(FINAL)} for the consumers, and hash-partitions between them on the first
     * {@code groupKeys().size()} columns of {@link #partialSchema()}.
     *
     * <p>Argument types are checked here (a USER_ERROR names the column), so a plan fails before it runs.
     * Serializable: the schema is kept as Arrow's JSON.
     */
    public static final class Factory implements OperatorFactory {
        @Serial
        private static final long serialVersionUID = 1L;

        private final AggregateMode mode;
        private final String inputSchemaJson;
        private final int[] groupKeys;
        private final List<AggregateCall> calls;
        private transient Schema inputSchema;
        private transient Schema partialSchema;
        private transient Schema outputSchema;

        public Factory(AggregateMode mode, Schema inputSchema, List<Integer> groupKeys, List<AggregateCall> calls) {
            this.mode = Objects.requireNonNull(mode, "mode");
            Objects.requireNonNull(inputSchema, "inputSchema");
            this.inputSchemaJson = inputSchema.toJson();
            this.groupKeys = groupKeys.stream().mapToInt(Integer::intValue).toArray();
            this.calls = List.copyOf(calls);
            resolve(inputSchema);
        }

        public static Factory single(Schema inputSchema, List<Integer> groupKeys, List<AggregateCall> calls) {
            return new Factory(AggregateMode.SINGLE, inputSchema, groupKeys, calls);
        }

        public static Factory partial(Schema inputSchema, List<Integer> groupKeys, List<AggregateCall> calls) {
            return new Factory(AggregateMode.PARTIAL, inputSchema, groupKeys, calls);
        }

        /** The FINAL step; its input is the PARTIAL output of the same configuration. */
        public static Factory finalStep(Schema inputSchema, List<Integer> groupKeys, List<AggregateCall> calls) {
            return new Factory(AggregateMode.FINAL, inputSchema, groupKeys, calls);
        }

        /** The same aggregation in another mode. */
        public Factory withMode(AggregateMode newMode) {
            return new Factory(newMode, inputSchema(), groupKeys(), calls);
        }

        private void resolve(Schema input) {
            List<Field> fields = input.getFields();
            List<Field> keyFields = new ArrayList<>();
            for (int k : groupKeys) {
                if (k < 0 || k >= fields.size()) {
                    throw NumbatException.userError("group key column %d is out of range for input %s", k, input);
                }
                ColumnKind.of(fields.get(k)); // checks the type can be a key
                keyFields.add(fields.get(k));
            }
            List<Field> partial = new ArrayList<>(keyFields);
            List<Field> output = new ArrayList<>(keyFields);
            for (AggregateCall call : calls) {
                if (call.argument() >= fields.size()) {
                    throw NumbatException.userError("argument column %d of %s is out of range for input %s",
                            call.argument(), call.name(), input);
                }
                Accumulator acc = Accumulator.create(call, argField(input, call));
                partial.addAll(acc.stateFields());
                output.add(acc.resultField());
            }
            this.inputSchema = input;
            this.partialSchema = new Schema(partial);
            this.outputSchema = mode == AggregateMode.PARTIAL ? partialSchema : new Schema(output);
        }

        @Serial
        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            resolve(Schema.fromJSON(inputSchemaJson));
        }

        public AggregateMode mode() {
            return mode;
        }

        /** The schema of the rows being aggregated (for FINAL too: the rows the PARTIAL step saw). */
        public Schema inputSchema() {
            return inputSchema;
        }

        public List<Integer> groupKeys() {
            return Arrays.stream(groupKeys).boxed().toList();
        }

        public List<AggregateCall> calls() {
            return calls;
        }

        /**
         * The PARTIAL output (= FINAL input): the key fields, then per call its state columns named
         * {@code <name>$<part>}: count → {@code count} BIGINT; sum → {@code sum} (DECIMAL(38, s) for
         * integers and decimals, DOUBLE for floats); avg → {@code sum}, {@code count}; min/max → {@code min}/
         * {@code max} of the input type; variance and stddev → {@code count}, {@code mean}, {@code m2};
         * count distinct → {@code distinct}, a LIST of the group's distinct values.
         */
        public Schema partialSchema() {
            return partialSchema;
        }

        /** What this mode's operators read: {@link #inputSchema()}, or {@link #partialSchema()} for FINAL. */
        public Schema expectedInputSchema() {
            return mode == AggregateMode.FINAL ? partialSchema : inputSchema;
        }

        /** What this mode's operators emit. */
        public Schema outputSchema() {
            return outputSchema;
        }

        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            if (inputSchemas != null && inputSchemas.size() != 1) {
                throw NumbatException.userError("%s has one input, got %d", name(), inputSchemas.size());
            }
            if (inputSchemas != null && inputSchemas.get(0) != null
                    && !sameTypes(inputSchemas.get(0).getFields(), expectedInputSchema().getFields())) {
                throw NumbatException.userError("%s expects input columns %s but got %s", name(),
                        expectedInputSchema().getFields(), inputSchemas.get(0).getFields());
            }
            return outputSchema;
        }

        @Override
        public Operator create(int channel) {
            return new HashAggregateOperator(this);
        }

        @Override
        public String name() {
            return "HashAggregate[" + mode + "]";
        }

        @Override
        public String toString() {
            return name() + "(keys=" + groupKeys() + ", calls=" + calls + ")";
        }
    }
}
