package dev.numbat.operators.join;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Batches;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Metrics;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.operators.common.RowAddressGather;
import java.io.IOException;
import java.io.Serial;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An equi-join by hashing: input {@value #BUILD_INPUT} (the right side) is the build side and input
 * {@value #PROBE_INPUT} (the left side) streams past it. Join types: {@link JoinType}.
 *
 * <h2>Inputs</h2>
 * The task graph marks the build edge "needs whole input first", so every build batch and {@code finish(1)}
 * arrive before the first probe batch. Should probe batches come earlier anyway they are held until the build
 * side is finished. Build batches are moved into the channel's allocator and added to a {@link JoinHashTable}
 * as they arrive; probe batches are joined and closed one at a time.
 *
 * <h2>Matching</h2>
 * Keys are pairs of columns (probe column {@code probeKeys[i]} equals build column {@code buildKeys[i]}); a NULL
 * key never matches. For each probe batch the operator hashes the keys once, walks the bucket chains collecting
 * candidate pairs with an equal 64-bit hash, checks the keys a column at a time over up to
 * {@code outputBatchRows} candidates, then runs the optional {@link JoinFilter} over those pairs gathered into one
 * batch. With no keys at all every pair is a candidate (a nested-loop join, for cross and theta joins).
 *
 * <h2>Output</h2>
 * Probe columns then build columns (SEMI and ANTI: probe columns only), with the build columns nullable for
 * LEFT and FULL and the probe columns nullable for RIGHT and FULL; duplicate names are kept. Matched pairs are
 * gathered with {@link RowAddressGather} into batches of at most {@code outputBatchRows} rows, so one probe batch
 * with many matches gives several batches. LEFT/FULL emit a probe batch's unmatched rows after its pairs;
 * RIGHT/FULL track matched build rows in a bitmap and emit the others when both inputs are finished.
 *
 * <p>When a side may send no batches at all (the runtime drops empty batches) and its columns are needed to pad
 * the other side's unmatched rows, the factory must be given the input schemas
 * ({@link Factory#withInputSchemas}); a planner always does.
 */
public final class HashJoinOperator implements Operator {
    /** The input ordinal of the probe (left) side. */
    public static final int PROBE_INPUT = 0;
    /** The input ordinal of the build (right) side; its edge needs the whole input first. */
    public static final int BUILD_INPUT = 1;
    /** The most rows an output batch holds unless configured otherwise. */
    public static final int DEFAULT_OUTPUT_BATCH_ROWS = 65_536;

    private final JoinType type;
    private final int[] probeKeys;
    private final int[] buildKeys;
    private final JoinFilter filter;
    private final Schema declaredProbe;
    private final Schema declaredBuild;
    private final int maxRows;

    private BufferAllocator allocator;
    private Metrics metrics;
    private JoinHashTable table;
    private final List<VectorSchemaRoot> pendingProbe = new ArrayList<>();
    private boolean buildDone;
    private boolean probeDone;
    private boolean joinDone;
    private boolean probeTypesChecked;
    private Schema probeSeen;
    private Schema buildSeen;
    private Schema outSchema;
    private Schema candidateSchema;
    private RowAddressGather.Source[] buildSources;
    private long[] buildMatched;

    // Scratch, sized maxRows: candidate pairs (probe row, build id) and output pairs (probe row, build address).
    private int[] candProbe;
    private int[] candBuild;
    private long[] outProbe;
    private long[] outBuild;
    private int outCount;
    private long[] filterProbe;
    private long[] filterBuild;

    HashJoinOperator(Factory f) {
        this.type = f.type;
        this.probeKeys = f.probeKeys.clone();
        this.buildKeys = f.buildKeys.clone();
        this.filter = f.filter;
        this.declaredProbe = Factory.parse(f.probeSchemaJson);
        this.declaredBuild = Factory.parse(f.buildSchemaJson);
        this.maxRows = f.outputBatchRows;
    }

    /** A factory for {@code probe JOIN build ON probe[probeKeys[i]] = build[buildKeys[i]] for all i}. */
    public static Factory factory(JoinType type, int[] probeKeys, int[] buildKeys) {
        return new Factory(type, probeKeys, buildKeys, null, null, null, DEFAULT_OUTPUT_BATCH_ROWS);
    }

    @Override
    public void open(OperatorContext context) {
        allocator = context.allocator();
        metrics = context.metrics();
        table = new JoinHashTable(buildKeys);
        candProbe = new int[maxRows];
        candBuild = new int[maxRows];
        outProbe = new long[maxRows];
        outBuild = new long[maxRows];
    }

    @Override
    public void process(int input, VectorSchemaRoot batch, Emitter out) {
        if (input == BUILD_INPUT) {
            if (buildSeen == null) {
                buildSeen = batch.getSchema();
            }
            if (buildDone || batch.getRowCount() == 0) {
                batch.close();
                if (buildDone) {
                    throw new IllegalStateException("hash join got a build batch after finish(" + BUILD_INPUT + ")");
                }
                return;
            }
            metrics.add("build_rows", batch.getRowCount());
            table.add(Batches.transfer(batch, allocator));
        } else if (input == PROBE_INPUT) {
            if (probeSeen == null) {
                probeSeen = batch.getSchema();
            }
            if (batch.getRowCount() == 0) {
                batch.close();
            } else if (!buildDone) {
                pendingProbe.add(Batches.transfer(batch, allocator));
            } else {
                try (batch) {
                    probe(batch, out);
                }
            }
        } else {
            batch.close();
            throw new IllegalArgumentException("a hash join has inputs 0 (probe) and 1 (build), not " + input);
        }
    }

    @Override
    public void finish(int input, Emitter out) {
        if (input == BUILD_INPUT) {
            buildDone = true;
            prepareProbe();
            while (!pendingProbe.isEmpty()) {
                try (VectorSchemaRoot batch = pendingProbe.remove(0)) {
                    probe(batch, out);
                }
            }
        } else {
            probeDone = true;
        }
        if (buildDone && probeDone && !joinDone) {
            joinDone = true;
            if (type.keepsUnmatchedBuild()) {
                emitUnmatchedBuildRows(out);
            }
        }
    }

    private void prepareProbe() {
        Schema build = buildSchema();
        int columns = build == null ? 0 : build.getFields().size();
        buildSources = RowAddressGather.Source.ofColumns(table.batches(), columns);
        if (type.keepsUnmatchedBuild()) {
            buildMatched = new long[(table.size() + 63) >>> 6];
        }
    }

    private void probe(VectorSchemaRoot batch, Emitter out) {
        int n = batch.getRowCount();
        metrics.add("probe_rows", n);
        if (table.size() == 0) {
            probeEmptyBuild(batch, out);
            return;
        }
        if (!probeTypesChecked) {
            table.checkProbeTypes(batch.getSchema(), probeKeys);
            probeTypesChecked = true;
        }
        table.bindProbe(batch, probeKeys);
        if (!type.outputsBuildColumns() && filter == null) {
            emitSelected(batch, firstMatches(n), type == JoinType.SEMI, out);
            return;
        }
        boolean[] probeMatched = type.keepsUnmatchedProbe() || !type.outputsBuildColumns() ? new boolean[n] : null;
        int p = 0;
        int id = JoinHashTable.END;
        boolean inChain = false;
        while (p < n) {
            int count = 0;
            while (count < maxRows && p < n) {
                if (!inChain) {
                    if (table.probeNullKey(p)) {
                        p++;
                        continue;
                    }
                    id = table.first(table.probeHash(p));
                    inChain = true;
                }
                long h = table.probeHash(p);
                while (id != JoinHashTable.END && count < maxRows) {
                    if (table.hash(id) == h) {
                        candProbe[count] = p;
                        candBuild[count] = id;
                        count++;
                    }
                    id = table.next(id);
                }
                if (id == JoinHashTable.END) {
                    inChain = false;
                    p++;
                }
            }
            count = table.retainEqualKeys(candProbe, candBuild, count);
            if (filter != null && count > 0) {
                count = applyFilter(batch, count);
            }
            for (int i = 0; i < count; i++) {
                if (probeMatched != null) {
                    probeMatched[candProbe[i]] = true;
                }
                if (buildMatched != null) {
                    int b = candBuild[i];
                    buildMatched[b >>> 6] |= 1L << b;
                }
            }
            if (type.outputsBuildColumns()) {
                for (int i = 0; i < count; i++) {
                    addPair(batch, candProbe[i], table.address(candBuild[i]), out);
                }
            }
        }
        if (type.keepsUnmatchedProbe()) {
            for (int r = 0; r < n; r++) {
                if (!probeMatched[r]) {
                    addPair(batch, r, RowAddressGather.NULL_ROW, out);
                }
            }
        }
        flushPairs(batch, out);
        if (!type.outputsBuildColumns()) {
            emitSelected(batch, probeMatched, type == JoinType.SEMI, out);
        }
    }

    /** SEMI/ANTI without a filter: whether each probe row has a partner, stopping at the first. */
    private boolean[] firstMatches(int n) {
        boolean[] matched = new boolean[n];
        for (int p = 0; p < n; p++) {
            if (table.probeNullKey(p)) {
                continue;
            }
            long h = table.probeHash(p);
            for (int id = table.first(h); id != JoinHashTable.END; id = table.next(id)) {
                if (table.hash(id) == h && table.keysEqual(p, id)) {
                    matched[p] = true;
                    break;
                }
            }
        }
        return matched;
    }

    private void probeEmptyBuild(VectorSchemaRoot batch, Emitter out) {
        int n = batch.getRowCount();
        switch (type) {
            case INNER, RIGHT, SEMI -> {
            }
            case ANTI -> emitSelected(batch, new boolean[n], false, out);
            case LEFT, FULL -> {
                for (int p = 0; p < n; p++) {
                    addPair(batch, p, RowAddressGather.NULL_ROW, out);
                }
                flushPairs(batch, out);
            }
        }
    }

    /** Runs the filter over candidates {@code 0 .. count}, keeps those it accepts; returns how many. */
    private int applyFilter(VectorSchemaRoot batch, int count) {
        if (candidateSchema == null) {
            List<Field> fields = new ArrayList<>(batch.getSchema().getFields());
            fields.addAll(table.schema().getFields());
            candidateSchema = new Schema(fields);
        }
        if (filterProbe == null) {
            filterProbe = new long[maxRows];
            filterBuild = new long[maxRows];
        }
        for (int i = 0; i < count; i++) {
            filterProbe[i] = candProbe[i];
            filterBuild[i] = table.address(candBuild[i]);
        }
        boolean[] keep;
        try (VectorSchemaRoot candidates = gatherPairs(candidateSchema, batch, filterProbe, filterBuild, count)) {
            keep = filter.test(candidates);
        }
        if (keep == null || keep.length < count) {
            throw new NumbatException(ErrorCode.OPERATOR_FAILED, "join filter returned "
                    + (keep == null ? "null" : keep.length + " flags") + " for " + count + " candidate pairs");
        }
        int kept = 0;
        for (int i = 0; i < count; i++) {
            if (keep[i]) {
                candProbe[kept] = candProbe[i];
                candBuild[kept] = candBuild[i];
                kept++;
            }
        }
        return kept;
    }

    private void addPair(VectorSchemaRoot probeBatch, long probeRow, long buildAddress, Emitter out) {
        outProbe[outCount] = probeRow;
        outBuild[outCount] = buildAddress;
        if (++outCount == maxRows) {
            flushPairs(probeBatch, out);
        }
    }

    private void flushPairs(VectorSchemaRoot probeBatch, Emitter out) {
        if (outCount == 0) {
            return;
        }
        int n = outCount;
        outCount = 0;
        out.emit(gatherPairs(outputSchema(), probeBatch, outProbe, outBuild, n));
    }

    /**
     * A batch of {@code schema} (probe columns then build columns) whose row {@code i} joins probe row
     * {@code probeRows[i]} of {@code probeBatch} (NULLs when negative or when {@code probeBatch} is null) with the
     * build row at {@code buildAddresses[i]} (NULLs when negative).
     */
    private VectorSchemaRoot gatherPairs(Schema schema, VectorSchemaRoot probeBatch, long[] probeRows,
                                         long[] buildAddresses, int n) {
        List<Field> fields = schema.getFields();
        int probeColumns = fields.size() - buildSources.length;
        List<FieldVector> vectors = new ArrayList<>(fields.size());
        try {
            for (int c = 0; c < probeColumns; c++) {
                RowAddressGather.Source probe = probeBatch == null ? RowAddressGather.Source.of()
                        : RowAddressGather.Source.of(probeBatch.getVector(c));
                vectors.add(RowAddressGather.gatherColumn(fields.get(c), probe, probeRows, 0, n, allocator));
            }
            for (int c = 0; c < buildSources.length; c++) {
                vectors.add(RowAddressGather.gatherColumn(fields.get(probeColumns + c), buildSources[c],
                        buildAddresses, 0, n, allocator));
            }
        } catch (RuntimeException | Error e) {
            vectors.forEach(FieldVector::close);
            throw e;
        }
        return new VectorSchemaRoot(schema, vectors, n);
    }

    /** Emits the rows of {@code batch} whose flag equals {@code want}, in batches of at most maxRows rows. */
    private void emitSelected(VectorSchemaRoot batch, boolean[] flags, boolean want, Emitter out) {
        int n = batch.getRowCount();
        int[] rows = new int[n];
        int count = 0;
        for (int r = 0; r < n; r++) {
            if (flags[r] == want) {
                rows[count++] = r;
            }
        }
        if (count == n && n <= maxRows) {
            out.emit(Batches.copy(batch, allocator));
            return;
        }
        for (int from = 0; from < count; from += maxRows) {
            int len = Math.min(maxRows, count - from);
            int[] chunk = from == 0 && len == count ? rows : Arrays.copyOfRange(rows, from, from + len);
            out.emit(Batches.gather(batch, chunk, len, allocator));
        }
    }

    private void emitUnmatchedBuildRows(Emitter out) {
        for (int id = 0; id < table.size(); id++) {
            if ((buildMatched[id >>> 6] & (1L << id)) == 0) {
                addPair(null, RowAddressGather.NULL_ROW, table.address(id), out);
            }
        }
        flushPairs(null, out);
    }

    private Schema outputSchema() {
        if (outSchema == null) {
            Schema probe = declaredProbe != null ? declaredProbe : probeSeen;
            Schema build = buildSchema();
            if (probe == null || build == null) {
                throw NumbatException.userError("%s hash join cannot pad rows with the columns of its %s side: that "
                        + "side sent no batches and its schema was not declared (HashJoinOperator.Factory"
                        + ".withInputSchemas)", type, probe == null ? "probe" : "build");
            }
            outSchema = joinSchema(type, probe, build);
        }
        return outSchema;
    }

    /** The build side's schema: declared, else that of the batches seen, else null. */
    private Schema buildSchema() {
        if (declaredBuild != null) {
            return declaredBuild;
        }
        return table.schema() != null ? table.schema() : buildSeen;
    }

    @Override
    public void close() {
        RuntimeException failure = null;
        for (VectorSchemaRoot b : pendingProbe) {
            try {
                b.close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        pendingProbe.clear();
        if (table != null) {
            table.close();
            table = null;
        }
        buildSources = null;
        if (failure != null) {
            throw failure;
        }
    }

    /** The schema of a join's output (see the class comment). */
    public static Schema joinSchema(JoinType type, Schema probe, Schema build) {
        if (!type.outputsBuildColumns()) {
            return probe;
        }
        boolean probeNullable = type == JoinType.RIGHT || type == JoinType.FULL;
        boolean buildNullable = type == JoinType.LEFT || type == JoinType.FULL;
        List<Field> fields = new ArrayList<>(probe.getFields().size() + build.getFields().size());
        for (Field f : probe.getFields()) {
            fields.add(probeNullable ? nullable(f) : f);
        }
        for (Field f : build.getFields()) {
            fields.add(buildNullable ? nullable(f) : f);
        }
        return new Schema(fields);
    }

    private static Field nullable(Field f) {
        if (f.isNullable()) {
            return f;
        }
        return new Field(f.getName(), new FieldType(true, f.getType(), f.getDictionary(), f.getMetadata()),
                f.getChildren());
    }

    /**
     * Creates {@link HashJoinOperator}s. Immutable and serializable (the residual filter must be too; input
     * schemas are kept as Arrow JSON). A planner configures it from a Calcite {@code Join}:
     * <pre>{@code
     * HashJoinOperator.factory(JoinType.LEFT, new int[] {0, 2}, new int[] {1, 0})  // equi keys per side
     *         .withFilter(compiledResidualCondition)      // optional, over probe ++ build columns
     *         .withInputSchemas(leftSchema, rightSchema)  // needed to pad rows when a side may be empty
     * }</pre>
     * and connects the probe input as edge 0 and the build input as edge 1 with "needs whole input first".
     */
    public static final class Factory implements OperatorFactory {
        @Serial
        private static final long serialVersionUID = 1L;

        private final JoinType type;
        private final int[] probeKeys;
        private final int[] buildKeys;
        private final JoinFilter filter;
        private final String probeSchemaJson;
        private final String buildSchemaJson;
        private final int outputBatchRows;

        private Factory(JoinType type, int[] probeKeys, int[] buildKeys, JoinFilter filter, String probeSchemaJson,
                        String buildSchemaJson, int outputBatchRows) {
            this.type = Objects.requireNonNull(type, "type");
            this.probeKeys = Objects.requireNonNull(probeKeys, "probeKeys").clone();
            this.buildKeys = Objects.requireNonNull(buildKeys, "buildKeys").clone();
            if (this.probeKeys.length != this.buildKeys.length) {
                throw new IllegalArgumentException("join keys differ in number: probe " + Arrays.toString(probeKeys)
                        + ", build " + Arrays.toString(buildKeys));
            }
            for (int i = 0; i < this.probeKeys.length; i++) {
                if (this.probeKeys[i] < 0 || this.buildKeys[i] < 0) {
                    throw new IllegalArgumentException("join key columns must be >= 0: probe "
                            + Arrays.toString(probeKeys) + ", build " + Arrays.toString(buildKeys));
                }
            }
            if (outputBatchRows <= 0) {
                throw new IllegalArgumentException("outputBatchRows must be positive: " + outputBatchRows);
            }
            this.filter = filter;
            this.probeSchemaJson = probeSchemaJson;
            this.buildSchemaJson = buildSchemaJson;
            this.outputBatchRows = outputBatchRows;
        }

        /** The same join with a residual condition over the candidate pairs (null for none). */
        public Factory withFilter(JoinFilter residual) {
            return new Factory(type, probeKeys, buildKeys, residual, probeSchemaJson, buildSchemaJson,
                    outputBatchRows);
        }

        /** The same join told its input schemas up front (used when a side sends no batches). */
        public Factory withInputSchemas(Schema probe, Schema build) {
            outputSchema(List.of(probe, build));
            return new Factory(type, probeKeys, buildKeys, filter, probe.toJson(), build.toJson(), outputBatchRows);
        }

        /** The same join emitting batches of at most {@code rows} rows. */
        public Factory withOutputBatchRows(int rows) {
            return new Factory(type, probeKeys, buildKeys, filter, probeSchemaJson, buildSchemaJson, rows);
        }

        public JoinType type() {
            return type;
        }

        public int[] probeKeys() {
            return probeKeys.clone();
        }

        public int[] buildKeys() {
            return buildKeys.clone();
        }

        public JoinFilter filter() {
            return filter;
        }

        public int outputBatchRows() {
            return outputBatchRows;
        }

        /** The probe input's schema given to {@link #withInputSchemas}, or null. */
        public Schema probeSchema() {
            return parse(probeSchemaJson);
        }

        /** The build input's schema given to {@link #withInputSchemas}, or null. */
        public Schema buildSchema() {
            return parse(buildSchemaJson);
        }

        @Override
        public Operator create(int channel) {
            return new HashJoinOperator(this);
        }

        /** Checks the keys against {@code [probe, build]} and returns {@link #joinSchema}. */
        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            if (inputSchemas.size() != 2) {
                throw new IllegalArgumentException("a hash join has 2 inputs, not " + inputSchemas.size());
            }
            Schema probe = inputSchemas.get(PROBE_INPUT);
            Schema build = inputSchemas.get(BUILD_INPUT);
            for (int k = 0; k < probeKeys.length; k++) {
                if (probeKeys[k] >= probe.getFields().size() || buildKeys[k] >= build.getFields().size()) {
                    throw NumbatException.userError("join key %d (probe column %d, build column %d) is outside the "
                            + "inputs %s and %s", k, probeKeys[k], buildKeys[k], probe, build);
                }
                JoinHashTable.checkComparable(k, probe.getFields().get(probeKeys[k]),
                        build.getFields().get(buildKeys[k]));
            }
            return joinSchema(type, probe, build);
        }

        @Override
        public String name() {
            return "hash-join";
        }

        @Override
        public String toString() {
            return "HashJoin " + type + " probe" + Arrays.toString(probeKeys) + " = build"
                    + Arrays.toString(buildKeys) + (filter == null ? "" : " with filter");
        }

        private static Schema parse(String json) {
            try {
                return json == null ? null : Schema.fromJSON(json);
            } catch (IOException e) {
                throw NumbatException.internal("cannot read a hash join's input schema", e);
            }
        }
    }
}
