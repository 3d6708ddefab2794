package dev.numbat.operators.testing;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import dev.numbat.core.batch.Values;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Metrics;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Drives any {@link Operator} through its whole lifecycle the way the runtime does, several times with the
 * same input cut into batches differently, and checks its output, its error behaviour and its memory
 * hygiene; modelled on Hazelcast Jet's {@code TestSupport}.
 *
 * <h2>Typical use</h2>
 * <pre>{@code
 * try (BufferAllocator allocator = TestAllocator.create()) {
 *     OperatorHarness.of(new HashAggregateOperator.Factory(...), allocator)
 *             .input(0, BatchBuilder.of(schema).row(1L, "a").row(2L, null))
 *             .input(0, BatchBuilder.of(schema).row(1L, "b"))          // a second batch of input 0
 *             .expectSchema(expectedSchema)                             // optional
 *             .expectRowsUnordered(List.of(OperatorHarness.row(1L, 2L), OperatorHarness.row(2L, 1L)))
 *             .run();
 * }   // closing the root allocator fails the test if anything leaked
 * }</pre>
 *
 * <h2>What {@link #run} does</h2>
 * For each {@link Mode} (all three unless {@link #modes} says otherwise) it creates a fresh operator with
 * {@link OperatorFactory#create}, a child allocator of the harness allocator as the channel allocator
 * ({@link OperatorContext#allocator()}), a second child allocator standing for the upstream channels that
 * produced the input batches, and a fake {@link OperatorContext}; then calls {@code open}, {@code process}
 * for every input batch, {@code finish} once per input and {@code close} (also when a step throws). Inputs
 * are fed one after the other in ordinal order (or {@link #inputOrder}), each finished right after its last
 * batch; {@link #interleaveInputs()} feeds them round-robin instead. The modes cut every input as follows:
 * <ul>
 *   <li>{@link Mode#AS_GIVEN}: the batches exactly as given to {@link #input} (empty ones included);</li>
 *   <li>{@link Mode#ONE_ROW}: every row in a batch of its own;</li>
 *   <li>{@link Mode#LARGE}: all rows of the input concatenated and cut into (at most) two large batches.</li>
 * </ul>
 * The {@link Emitter} given to the operator moves every emitted batch into the harness allocator, converts
 * it to rows with {@link Values#get} and closes it, so the operator may emit as many batches as it likes.
 * After each mode the harness asserts that
 * <ol>
 *   <li>no buffer is outstanding in the channel allocator or in the upstream allocator after {@code close}
 *       (so the operator closed or emitted every input batch it owned, and released its state);</li>
 *   <li>no emitted batch was empty, every vector of an emitted batch had exactly the batch's row count, and
 *       all emitted batches had the same schema;</li>
 *   <li>that schema equals {@link OperatorFactory#outputSchema} of the input schemas when the factory
 *       declares one, and the {@link #expectSchema expected schema} when given;</li>
 *   <li>the output rows equal the expected rows: in order ({@link #expectRows}) or as a multiset
 *       ({@link #expectRowsUnordered}). Without an expectation, every mode must produce the same multiset
 *       of rows as the first mode.</li>
 * </ol>
 * Values compare as {@link Values#get} returns them, with these allowances: integral numbers compare by
 * value whatever their boxed class ({@code 1} equals {@code 1L}), {@link BigDecimal}s by
 * {@link BigDecimal#compareTo} (so {@code 1.5} equals {@code 1.50}; check scales with the schema),
 * {@code byte[]} by content, and doubles/floats within a relative tolerance ({@link #doubleTolerance},
 * default {@code 1e-9} relative to {@code max(1, |expected|, |actual|)}; NaN equals NaN).
 *
 * <h2>Ownership</h2>
 * Batches passed to {@link #input} belong to the harness from then on: it copies them into its own
 * storage and closes them at once. A harness is meant to be run once ({@link #run} or {@link #failsWith});
 * its stored input is released at the end of that call. If neither is called, call {@link #close}.
 *
 * <h2>Errors</h2>
 * {@link #failsWith(Class)} runs every mode, asserts that each one throws the given type from
 * {@code open}, {@code process} or {@code finish}, and that {@code close} still releases everything.
 *
 * <h2>Chaining</h2>
 * {@link #collect} runs an operator once and hands back its output batches, for tests that feed one
 * operator's output into another (partial then final aggregation, for instance).
 *
 * <p>Not thread-safe; {@link AssertionError}s describe the mode, the operator and the first difference.
 */
public final class OperatorHarness implements AutoCloseable {

    /** How the harness cuts each input into batches; see the class comment. */
    public enum Mode {
        AS_GIVEN,
        ONE_ROW,
        LARGE
    }

    /** What one mode's run produced. */
    public record Result(Mode mode, Schema schema, List<List<Object>> rows, int batchCount, Metrics metrics) {
    }

    private final OperatorFactory factory;
    private final BufferAllocator allocator;
    private final TreeMap<Integer, Input> inputs = new TreeMap<>();
    private EnumSet<Mode> modes = EnumSet.allOf(Mode.class);
    private int[] inputOrder;
    private boolean interleave;
    private int channel;
    private int channelCount = 1;
    private Schema expectedSchema;
    private List<List<Object>> expectedRows;
    private boolean ordered;
    private double tolerance = 1e-9;
    private boolean used;

    private OperatorHarness(OperatorFactory factory, BufferAllocator allocator) {
        this.factory = Objects.requireNonNull(factory, "factory");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
    }

    /** A harness for operators made by {@code factory}, allocating from (children of) {@code allocator}. */
    public static OperatorHarness of(OperatorFactory factory, BufferAllocator allocator) {
        return new OperatorHarness(factory, allocator);
    }

    /** A row for {@link #expectRows}: the values in column order, {@code null} for NULL. */
    public static List<Object> row(Object... values) {
        return values == null ? Arrays.asList((Object) null) : Arrays.asList(values.clone());
    }

    // ---------------------------------------------------------------- configuration

    /**
     * Appends batches to input {@code ordinal}; the harness takes ownership of them (and closes them even if
     * this call fails). All batches of one input must have the same schema.
     */
    public OperatorHarness input(int ordinal, VectorSchemaRoot... batches) {
        return input(ordinal, Arrays.asList(batches));
    }

    /** As {@link #input(int, VectorSchemaRoot...)}. */
    public OperatorHarness input(int ordinal, List<VectorSchemaRoot> batches) {
        try {
            checkOrdinal(ordinal);
            for (VectorSchemaRoot b : batches) {
                Input in = inputs.get(ordinal);
                if (in == null) {
                    in = new Input(b.getSchema(), allocator);
                    inputs.put(ordinal, in);
                }
                in.append(b);
            }
        } finally {
            batches.forEach(VectorSchemaRoot::close);
        }
        return this;
    }

    /** Appends one batch per builder to input {@code ordinal} (an empty builder gives an empty batch). */
    public OperatorHarness input(int ordinal, BatchBuilder... builders) {
        for (BatchBuilder b : builders) {
            input(ordinal, b.build(allocator));
        }
        return this;
    }

    /** Declares input {@code ordinal} with {@code schema} and no batches (the operator only sees finish). */
    public OperatorHarness emptyInput(int ordinal, Schema schema) {
        checkOrdinal(ordinal);
        Objects.requireNonNull(schema, "schema");
        if (inputs.containsKey(ordinal)) {
            throw new IllegalArgumentException("input " + ordinal + " already has batches");
        }
        inputs.put(ordinal, new Input(schema, allocator));
        return this;
    }

    /** Runs only the given modes (default: all). */
    public OperatorHarness modes(Mode... only) {
        if (only.length == 0) {
            throw new IllegalArgumentException("at least one mode");
        }
        modes = EnumSet.copyOf(Arrays.asList(only));
        return this;
    }

    /**
     * Feeds (and finishes) inputs in this order instead of by ordinal, e.g. {@code inputOrder(1, 0)} to
     * deliver a join's build side (input 1) whole before its probe side.
     */
    public OperatorHarness inputOrder(int... ordinals) {
        inputOrder = ordinals.clone();
        return this;
    }

    /**
     * Feeds the inputs' batches round-robin (in {@link #inputOrder} if set), finishing each input right
     * after its last batch, as the runtime does for inputs not needed whole.
     */
    public OperatorHarness interleaveInputs() {
        interleave = true;
        return this;
    }

    /** The channel index and count the fake context reports (default 0 of 1). */
    public OperatorHarness channel(int index, int count) {
        if (count <= 0 || index < 0 || index >= count) {
            throw new IllegalArgumentException("channel " + index + " of " + count);
        }
        channel = index;
        channelCount = count;
        return this;
    }

    /** Asserts every emitted batch has exactly these fields (names, types, nullability, in order). */
    public OperatorHarness expectSchema(Schema schema) {
        expectedSchema = Objects.requireNonNull(schema, "schema");
        return this;
    }

    /** Asserts the output rows, in this order. */
    public OperatorHarness expectRows(List<List<Object>> rows) {
        expectedRows = copyRows(rows);
        ordered = true;
        return this;
    }

    /** Asserts the output rows in any order (as a multiset). */
    public OperatorHarness expectRowsUnordered(List<List<Object>> rows) {
        expectedRows = copyRows(rows);
        ordered = false;
        return this;
    }

    /** Asserts the operator emits no rows at all. */
    public OperatorHarness expectNoRows() {
        return expectRows(List.of());
    }

    /** Relative tolerance for DOUBLE/FLOAT values (0 for exact); see the class comment. */
    public OperatorHarness doubleTolerance(double relative) {
        if (!(relative >= 0)) {
            throw new IllegalArgumentException("tolerance " + relative);
        }
        tolerance = relative;
        return this;
    }

    // ---------------------------------------------------------------- running

    /**
     * Runs every selected mode and asserts what the class comment lists; returns the result of the first
     * mode run (in {@link Mode} order).
     */
    public Result run() {
        List<Result> results = new ArrayList<>();
        try {
            checkReady();
            for (Mode mode : modes) {
                Outcome outcome = runMode(mode);
                if (outcome.failure != null) {
                    throw new AssertionError(describe(mode) + " threw " + outcome.failure, outcome.failure);
                }
                Result r = outcome.result;
                verify(r);
                results.add(r);
            }
            if (expectedRows == null) {
                for (Result r : results.subList(1, results.size())) {
                    compareRows(results.get(0).rows(), r, false, "the output of mode " + results.get(0).mode());
                }
            }
        } finally {
            close();
        }
        return results.get(0);
    }

    /** Every selected mode must fail with {@code type}; returns the first mode's throwable. */
    public <T extends Throwable> T failsWith(Class<T> type) {
        T first = null;
        try {
            checkReady();
            for (Mode mode : modes) {
                Outcome outcome = runMode(mode);
                if (outcome.failure == null) {
                    throw new AssertionError(describe(mode) + " was expected to fail with " + type.getName()
                            + " but produced " + outcome.result.rows().size() + " rows");
                }
                if (!type.isInstance(outcome.failure)) {
                    throw new AssertionError(describe(mode) + " was expected to fail with " + type.getName()
                            + " but threw " + outcome.failure, outcome.failure);
                }
                if (first == null) {
                    first = type.cast(outcome.failure);
                }
            }
        } finally {
            close();
        }
        return first;
    }

    /**
     * Every selected mode must fail with a {@link NumbatException} of {@code code} whose message contains
     * {@code messageFragment}; returns the first mode's exception.
     */
    public NumbatException failsWith(ErrorCode code, String messageFragment) {
        NumbatException first = null;
        try {
            checkReady();
            for (Mode mode : modes) {
                Outcome outcome = runMode(mode);
                if (!(outcome.failure instanceof NumbatException e)) {
                    throw new AssertionError(describe(mode) + " was expected to fail with NumbatException[" + code
                            + "] but " + (outcome.failure == null ? "succeeded" : "threw " + outcome.failure),
                            outcome.failure);
                }
                if (e.code() != code || e.getMessage() == null || !e.getMessage().contains(messageFragment)) {
                    throw new AssertionError(describe(mode) + " was expected to fail with NumbatException[" + code
                            + "] containing \"" + messageFragment + "\" but threw " + e, e);
                }
                if (first == null) {
                    first = e;
                }
            }
        } finally {
            close();
        }
        return first;
    }

    /** Releases the stored input; {@link #run} and {@link #failsWith} do this themselves. */
    @Override
    public void close() {
        used = true;
        inputs.values().forEach(Input::close);
        inputs.clear();
    }

    /**
     * Runs one operator of {@code factory} as channel 0 of 1 over {@code inputs} (input {@code i} is
     * {@code inputs.get(i)}, fed in order and finished one after the other) and returns its output batches,
     * moved into {@code allocator} and owned by the caller. Takes ownership of the input batches. Asserts
     * that the operator leaks nothing and emits no empty batch; rethrows what the operator throws.
     */
    public static List<VectorSchemaRoot> collect(OperatorFactory factory, BufferAllocator allocator,
                                                 List<List<VectorSchemaRoot>> inputs) {
        return collect(factory, 0, 1, allocator, inputs);
    }

    /** As {@link #collect(OperatorFactory, BufferAllocator, List)} for channel {@code channel} of {@code count}. */
    public static List<VectorSchemaRoot> collect(OperatorFactory factory, int channel, int count,
                                                 BufferAllocator allocator, List<List<VectorSchemaRoot>> inputs) {
        List<VectorSchemaRoot> out = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        BufferAllocator upstream = allocator.newChildAllocator("harness-upstream", 0, Long.MAX_VALUE);
        BufferAllocator channelAllocator = allocator.newChildAllocator(factory.name() + "[" + channel + "]", 0,
                Long.MAX_VALUE);
        // Move every input into the upstream allocator now, so leaks are attributed to the operator.
        List<List<VectorSchemaRoot>> moved = new ArrayList<>();
        for (List<VectorSchemaRoot> in : inputs) {
            List<VectorSchemaRoot> m = new ArrayList<>();
            for (VectorSchemaRoot b : in) {
                m.add(Batches.transfer(b, upstream));
            }
            moved.add(m);
        }
        Operator op = null;
        Throwable failure = null;
        int[] next = new int[moved.size()];
        Emitter emitter = batch -> {
            checkEmitted(batch, problems);
            out.add(Batches.transfer(batch, allocator));
        };
        try {
            op = Objects.requireNonNull(factory.create(channel), "factory.create returned null");
            op.open(new Context(factory.name(), channel, count, channelAllocator));
            for (int i = 0; i < moved.size(); i++) {
                List<VectorSchemaRoot> in = moved.get(i);
                while (next[i] < in.size()) {
                    op.process(i, in.get(next[i]++), emitter);
                }
                op.finish(i, emitter);
            }
        } catch (Throwable t) {
            failure = t;
        }
        failure = closeOperator(op, failure);
        for (int i = 0; i < moved.size(); i++) {
            for (int j = next[i]; j < moved.get(i).size(); j++) {
                moved.get(i).get(j).close();
            }
        }
        checkLeaks(channelAllocator, upstream, problems);
        if (failure != null || !problems.isEmpty()) {
            out.forEach(VectorSchemaRoot::close);
            if (failure != null) {
                sneakyThrow(failure);
            }
            throw new AssertionError(factory.name() + ": " + String.join("; ", problems));
        }
        return out;
    }

    /** The rows of {@code batch} as lists of {@link Values#get} values. */
    public static List<List<Object>> rows(VectorSchemaRoot batch) {
        List<FieldVector> vectors = batch.getFieldVectors();
        List<List<Object>> out = new ArrayList<>(batch.getRowCount());
        for (int r = 0; r < batch.getRowCount(); r++) {
            List<Object> row = new ArrayList<>(vectors.size());
            for (FieldVector v : vectors) {
                row.add(Values.get(v, r));
            }
            out.add(row);
        }
        return out;
    }

    /** The rows of all {@code batches}, in order. */
    public static List<List<Object>> rows(List<VectorSchemaRoot> batches) {
        List<List<Object>> out = new ArrayList<>();
        for (VectorSchemaRoot b : batches) {
            out.addAll(rows(b));
        }
        return out;
    }

    // ---------------------------------------------------------------- internals

    private record Outcome(Result result, Throwable failure) {
    }

    private void checkOrdinal(int ordinal) {
        if (used) {
            throw new IllegalStateException("this harness has already run; make a new one");
        }
        if (ordinal < 0) {
            throw new IllegalArgumentException("input ordinal " + ordinal);
        }
    }

    private void checkReady() {
        if (used) {
            throw new IllegalStateException("this harness has already run; make a new one");
        }
        if (inputs.isEmpty()) {
            throw new IllegalStateException("no inputs: call input(...) or emptyInput(...)");
        }
        for (int i = 0; i <= inputs.lastKey(); i++) {
            if (!inputs.containsKey(i)) {
                throw new IllegalStateException("input " + i + " is missing; use emptyInput(" + i + ", schema)");
            }
        }
        if (inputOrder != null) {
            int[] sorted = inputOrder.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < sorted.length; i++) {
                if (sorted[i] != i || sorted.length != inputs.size()) {
                    throw new IllegalStateException("inputOrder " + Arrays.toString(inputOrder)
                            + " is not a permutation of the " + inputs.size() + " inputs");
                }
            }
        }
    }

    private String describe(Mode mode) {
        return factory.name() + " in mode " + mode;
    }

    /** One input's rows (all batches concatenated, harness-owned) and its batch boundaries as given. */
    private static final class Input {
        final Schema schema;
        final VectorSchemaRoot all;
        final List<Integer> givenSizes = new ArrayList<>();

        Input(Schema schema, BufferAllocator allocator) {
            this.schema = schema;
            this.all = VectorSchemaRoot.create(schema, allocator);
            all.allocateNew();
            all.setRowCount(0);
        }

        void append(VectorSchemaRoot b) {
            if (!b.getSchema().getFields().equals(schema.getFields())) {
                throw new IllegalArgumentException("batch schema " + b.getSchema() + " differs from the input's "
                        + schema);
            }
            int base = all.getRowCount();
            int n = b.getRowCount();
            for (int c = 0; c < schema.getFields().size(); c++) {
                FieldVector to = all.getVector(c);
                FieldVector from = b.getVector(c);
                for (int r = 0; r < n; r++) {
                    to.copyFromSafe(r, base + r, from);
                }
            }
            all.setRowCount(base + n);
            givenSizes.add(n);
        }

        /** The (offset, length) pieces this input is cut into in {@code mode}. */
        List<int[]> pieces(Mode mode) {
            List<int[]> out = new ArrayList<>();
            int total = all.getRowCount();
            switch (mode) {
                case AS_GIVEN -> {
                    int offset = 0;
                    for (int n : givenSizes) {
                        out.add(new int[] {offset, n});
                        offset += n;
                    }
                }
                case ONE_ROW -> {
                    for (int r = 0; r < total; r++) {
                        out.add(new int[] {r, 1});
                    }
                }
                case LARGE -> {
                    if (total == 1) {
                        out.add(new int[] {0, 1});
                    } else if (total > 1) {
                        int half = total / 2;
                        out.add(new int[] {0, half});
                        out.add(new int[] {half, total - half});
                    }
                }
            }
            return out;
        }

        /** A fresh, independent copy of rows {@code [offset, offset + length)} in {@code allocator}. */
        VectorSchemaRoot materialize(int offset, int length, BufferAllocator allocator) {
            int[] rows = new int[length];
            for (int i = 0; i < length; i++) {
                rows[i] = offset + i;
            }
            return Batches.gather(all, rows, length, allocator);
        }

        void close() {
            all.close();
        }
    }

    /** The order of steps: {input, offset, length} for a batch, {input, -1, 0} for finish. */
    private List<int[]> schedule(Mode mode) {
        int[] order = inputOrder != null ? inputOrder : inputs.keySet().stream().mapToInt(Integer::intValue).toArray();
        List<int[]> steps = new ArrayList<>();
        if (!interleave) {
            for (int i : order) {
                for (int[] p : inputs.get(i).pieces(mode)) {
                    steps.add(new int[] {i, p[0], p[1]});
                }
                steps.add(new int[] {i, -1, 0});
            }
            return steps;
        }
        List<List<int[]>> pieces = new ArrayList<>();
        for (int i : order) {
            pieces.add(inputs.get(i).pieces(mode));
        }
        int[] next = new int[order.length];
        boolean[] finished = new boolean[order.length];
        int open = order.length;
        while (open > 0) {
            for (int k = 0; k < order.length; k++) {
                if (finished[k]) {
                    continue;
                }
                if (next[k] < pieces.get(k).size()) {
                    int[] p = pieces.get(k).get(next[k]++);
                    steps.add(new int[] {order[k], p[0], p[1]});
                } else {
                    steps.add(new int[] {order[k], -1, 0});
                    finished[k] = true;
                    open--;
                }
            }
        }
        return steps;
    }

    private Outcome runMode(Mode mode) {
        List<String> problems = new ArrayList<>();
        List<List<Object>> rows = new ArrayList<>();
        Schema[] schema = new Schema[1];
        int[] batches = new int[1];
        Metrics metrics = new Metrics();
        BufferAllocator upstream = allocator.newChildAllocator("harness-upstream-" + mode, 0, Long.MAX_VALUE);
        BufferAllocator channelAllocator = allocator.newChildAllocator(factory.name() + "[" + channel + "]-" + mode,
                0, Long.MAX_VALUE);
        Emitter emitter = batch -> {
            Objects.requireNonNull(batch, "emitted batch");
            checkEmitted(batch, problems);
            if (schema[0] == null) {
                schema[0] = batch.getSchema();
            } else if (!schema[0].getFields().equals(batch.getSchema().getFields())) {
                problems.add("emitted batches with different schemas: " + schema[0] + " and " + batch.getSchema());
            }
            batches[0]++;
            try (VectorSchemaRoot moved = Batches.transfer(batch, allocator)) {
                rows.addAll(rows(moved));
            }
        };
        Operator op = null;
        Throwable failure = null;
        try {
            op = Objects.requireNonNull(factory.create(channel), "factory.create returned null");
            op.open(new Context(factory.name(), channel, channelCount, channelAllocator, metrics));
            for (int[] step : schedule(mode)) {
                if (step[1] < 0) {
                    op.finish(step[0], emitter);
                } else {
                    VectorSchemaRoot b = inputs.get(step[0]).materialize(step[1], step[2], upstream);
                    metrics.add("rows_in", b.getRowCount());
                    op.process(step[0], b, emitter);
                }
            }
        } catch (Throwable t) {
            failure = t;
        }
        failure = closeOperator(op, failure);
        checkLeaks(channelAllocator, upstream, problems);
        if (!problems.isEmpty()) {
            AssertionError e = new AssertionError(describe(mode) + ": " + String.join("; ", problems));
            if (failure != null) {
                e.addSuppressed(failure);
            }
            throw e;
        }
        return new Outcome(new Result(mode, schema[0], rows, batches[0], metrics), failure);
    }

    private static Throwable closeOperator(Operator op, Throwable failure) {
        if (op == null) {
            return failure;
        }
        try {
            op.close();
        } catch (Throwable t) {
            if (failure == null) {
                return new AssertionError("close() threw", t);
            }
            failure.addSuppressed(t);
        }
        return failure;
    }

    private static void checkEmitted(VectorSchemaRoot batch, List<String> problems) {
        int n = batch.getRowCount();
        if (n == 0) {
            problems.add("emitted an empty batch");
        }
        for (FieldVector v : batch.getFieldVectors()) {
            if (v.getValueCount() != n) {
                problems.add("emitted a batch of " + n + " rows whose column '" + v.getName() + "' has "
                        + v.getValueCount() + " values");
            }
        }
    }

    private static void checkLeaks(BufferAllocator channelAllocator, BufferAllocator upstream, List<String> problems) {
        if (channelAllocator.getAllocatedMemory() != 0) {
            problems.add("leaked " + channelAllocator.getAllocatedMemory() + " bytes in the channel allocator after "
                    + "close:\n" + channelAllocator.toVerboseString());
        }
        if (upstream.getAllocatedMemory() != 0) {
            problems.add("did not close or emit input batches (" + upstream.getAllocatedMemory() + " bytes):\n"
                    + upstream.toVerboseString());
        }
        // Only close clean allocators: closing a leaking one throws and hides the report above.
        if (channelAllocator.getAllocatedMemory() == 0) {
            channelAllocator.close();
        }
        if (upstream.getAllocatedMemory() == 0) {
            upstream.close();
        }
    }

    private void verify(Result r) {
        Schema declared = factory.outputSchema(inputs.values().stream().map(in -> in.schema).toList());
        if (r.schema() != null && declared != null && !declared.getFields().equals(r.schema().getFields())) {
            throw new AssertionError(describe(r.mode()) + ": emitted schema " + r.schema()
                    + " differs from the factory's outputSchema " + declared);
        }
        if (expectedSchema != null) {
            Schema actual = r.schema() != null ? r.schema() : declared;
            if (actual == null) {
                throw new AssertionError(describe(r.mode()) + ": emitted nothing and declares no outputSchema, "
                        + "expected " + expectedSchema);
            }
            if (!expectedSchema.getFields().equals(actual.getFields())) {
                throw new AssertionError(describe(r.mode()) + ": schema\n  expected " + expectedSchema
                        + "\n  actual   " + actual);
            }
        }
        if (expectedRows != null) {
            compareRows(expectedRows, r, ordered, "the expected rows");
        }
    }

    private void compareRows(List<List<Object>> expected, Result r, boolean inOrder, String what) {
        List<List<Object>> exp = expected;
        List<List<Object>> act = r.rows();
        if (!inOrder) {
            exp = new ArrayList<>(exp);
            act = new ArrayList<>(act);
            exp.sort(ROW_ORDER);
            act.sort(ROW_ORDER);
        }
        String prefix = describe(r.mode()) + ": output differs from " + what + (inOrder ? "" : " (sorted)");
        for (int i = 0; i < Math.min(exp.size(), act.size()); i++) {
            if (!rowEquals(exp.get(i), act.get(i))) {
                throw new AssertionError(prefix + " at row " + i + ":\n  expected " + format(exp.get(i))
                        + "\n  actual   " + format(act.get(i)) + summary(exp, act));
            }
        }
        if (exp.size() != act.size()) {
            throw new AssertionError(prefix + ": expected " + exp.size() + " rows, got " + act.size()
                    + summary(exp, act));
        }
    }

    private static String summary(List<List<Object>> exp, List<List<Object>> act) {
        if (exp.size() + act.size() > 40) {
            return "";
        }
        StringBuilder sb = new StringBuilder("\n  all expected:");
        exp.forEach(r -> sb.append("\n    ").append(format(r)));
        sb.append("\n  all actual:");
        act.forEach(r -> sb.append("\n    ").append(format(r)));
        return sb.toString();
    }

    private static String format(List<Object> row) {
        StringBuilder sb = new StringBuilder("[");
        for (int i = 0; i < row.size(); i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object v = row.get(i);
            sb.append(Values.format(v));
            if (v != null) {
                sb.append(':').append(v.getClass().getSimpleName());
            }
        }
        return sb.append(']').toString();
    }

    private boolean rowEquals(List<Object> a, List<Object> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!valueEquals(a.get(i), b.get(i))) {
                return false;
            }
        }
        return true;
    }

    private boolean valueEquals(Object a, Object b) {
        if (a == null || b == null) {
            return a == b;
        }
        if (isIntegral(a) && isIntegral(b)) {
            return ((Number) a).longValue() == ((Number) b).longValue();
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y) == 0;
        }
        if ((a instanceof Double || a instanceof Float) && (b instanceof Double || b instanceof Float)) {
            double x = ((Number) a).doubleValue();
            double y = ((Number) b).doubleValue();
            if (Double.isNaN(x) || Double.isNaN(y)) {
                return Double.isNaN(x) && Double.isNaN(y);
            }
            if (x == y) {
                return true;
            }
            return Math.abs(x - y) <= tolerance * Math.max(1.0, Math.max(Math.abs(x), Math.abs(y)));
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.equals(x, y);
        }
        return a.equals(b);
    }

    private static boolean isIntegral(Object o) {
        return o instanceof Long || o instanceof Integer || o instanceof Short || o instanceof Byte;
    }

    /** A total order on rows for unordered comparison: NULL first, numbers by value, then by type name. */
    private static final Comparator<List<Object>> ROW_ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = compareValues(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    @SuppressWarnings({"unchecked", "rawtypes"})
    private static int compareValues(Object a, Object b) {
        if (a == null || b == null) {
            return a == null ? (b == null ? 0 : -1) : 1;
        }
        if (isIntegral(a) && isIntegral(b)) {
            return Long.compare(((Number) a).longValue(), ((Number) b).longValue());
        }
        if (a instanceof BigDecimal x && b instanceof BigDecimal y) {
            return x.compareTo(y);
        }
        if (a instanceof Number x && b instanceof Number y) {
            return Double.compare(x.doubleValue(), y.doubleValue());
        }
        if (a instanceof byte[] x && b instanceof byte[] y) {
            return Arrays.compare(x, y);
        }
        if (a.getClass() == b.getClass() && a instanceof Comparable ca) {
            return ca.compareTo(b);
        }
        int c = a.getClass().getName().compareTo(b.getClass().getName());
        return c != 0 ? c : a.toString().compareTo(b.toString());
    }

    private static List<List<Object>> copyRows(List<List<Object>> rows) {
        List<List<Object>> out = new ArrayList<>(rows.size());
        for (List<Object> r : rows) {
            out.add(new ArrayList<>(r));
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    private static <E extends Throwable> void sneakyThrow(Throwable t) throws E {
        throw (E) t;
    }

    /** The fake {@link OperatorContext}: fixed names and numbers, the mode's channel allocator. */
    private record Context(String operatorName, int channel, int channelCount, BufferAllocator allocator,
                           Metrics metrics) implements OperatorContext {
        Context(String operatorName, int channel, int channelCount, BufferAllocator allocator) {
            this(operatorName, channel, channelCount, allocator, new Metrics());
        }
    }
}
