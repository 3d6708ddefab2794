package dev.numbat.client;

import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Values;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.core.partition.Partitioners;
import dev.numbat.io.write.CsvWriteOptions;
import dev.numbat.io.write.FileWriters;
import dev.numbat.plan.PlannerContext;
import dev.numbat.plan.rel.TransformRel;
import dev.numbat.plan.types.ArrowCalciteTypes;
import dev.numbat.runtime.RunningQuery;
import dev.numbat.runtime.JobProfile;
import dev.numbat.runtime.TaskGraph;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.table.Table;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.VectorSchemaRootAppender;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.tools.RelBuilder;

/**
 * A lazily evaluated stream of Arrow batches: relational steps ({@link #filter}, {@link #groupBy},
 * {@link #join}, ...) and user operators ({@link #transform}) build one Calcite plan, which the terminal
 * methods ({@link #collect}, {@link #show}, {@link #writeParquet}, ...) optimise, turn into a task graph and
 * run. Immutable: every step returns a new stream.
 */
public final class DataStream {
    private final NumbatContext context;
    private final RelNode rel;
    private String description;

    DataStream(NumbatContext context, RelNode rel) {
        this.context = context;
        this.rel = rel;
    }

    /** A stream over the logical plan {@code rel} (built over {@code context}'s catalog), as the SQL front end makes. */
    public static DataStream of(NumbatContext context, RelNode rel) {
        return new DataStream(Objects.requireNonNull(context, "context"), Objects.requireNonNull(rel, "rel"));
    }

    /** The logical plan (before optimisation). */
    public RelNode rel() {
        return rel;
    }

    private RelBuilder builder() {
        return context.planner().relBuilder().push(rel);
    }

    private DataStream with(RelBuilder b) {
        return new DataStream(context, b.build());
    }

    private void requireColumns(String step) {
        if (rel instanceof TransformRel t && !t.declaredRowType()) {
            throw NumbatException.userError("%s needs the columns of operator '%s', which does not declare its "
                    + "output schema: override OperatorFactory.outputSchema", step, t.factory().name());
        }
    }

    // ---- user operators

    /**
     * Runs a user operator over this stream in {@code channels} parallel channels; {@code partitioner}
     * decides which channel gets which rows (for example {@code Partitioners.hash("user_id")} so that all
     * rows of a key meet in one channel's state).
     */
    public DataStream transform(OperatorFactory operator, Partitioner partitioner, int channels) {
        Objects.requireNonNull(partitioner, "partitioner");
        if (channels < 1) {
            throw NumbatException.userError("channels must be at least 1, got %d", channels);
        }
        return transformRel(List.of(this), operator, List.of(partitioner), List.of(false), channels);
    }

    /** {@link #transform(OperatorFactory, Partitioner, int)} with the context's default channel count. */
    public DataStream transform(OperatorFactory operator, Partitioner partitioner) {
        return transform(operator, partitioner, context.defaultChannels());
    }

    /** Runs an operator channel by channel on this stream's channels, without moving rows between them. */
    public DataStream transform(OperatorFactory operator) {
        return transformRel(List.of(this), operator, List.of(Partitioners.forward()), List.of(false),
                TransformRel.SAME_AS_INPUT);
    }

    /**
     * A two-input operator: this stream is input 0 and {@code other} input 1. When {@code otherFirst} is
     * set, the operator receives and finishes all of {@code other} before the first batch of this stream (as
     * a hash join's build side).
     */
    public DataStream transformWith(DataStream other, OperatorFactory operator, Partitioner thisPartitioner,
            Partitioner otherPartitioner, int channels, boolean otherFirst) {
        if (other.context != context) {
            throw NumbatException.userError("streams of different contexts cannot be combined");
        }
        return transformRel(List.of(this, other), operator, List.of(thisPartitioner, otherPartitioner),
                List.of(false, otherFirst), channels);
    }

    private DataStream transformRel(List<DataStream> inputs, OperatorFactory operator, List<Partitioner> partitioners,
            List<Boolean> needsWhole, int channels) {
        Objects.requireNonNull(operator, "operator");
        List<Schema> schemas = new ArrayList<>();
        List<RelNode> rels = new ArrayList<>();
        for (DataStream in : inputs) {
            rels.add(in.rel);
            schemas.add(in.schema());
        }
        Schema out = schemas.contains(null) ? null : operator.outputSchema(schemas);
        var cluster = rel.getCluster();
        RelDataType rowType = out == null ? cluster.getTypeFactory().builder().build()
                : ArrowCalciteTypes.toRowType(out, cluster.getTypeFactory());
        return new DataStream(context, new TransformRel(cluster, cluster.traitSet(), rels, operator, partitioners,
                needsWhole, channels, rowType, out != null));
    }

    /**
     * Pins this user operator to executors tagged with all of {@code tags} (started with
     * {@code numbat executor --tag gpu}); embedded runs ignore the pin. Applies to the result of
     * {@link #transform} or {@link #transformWith}.
     */
    public DataStream placeOn(String... tags) {
        if (!(rel instanceof TransformRel t)) {
            throw NumbatException.userError("placeOn applies to a user operator (the result of transform)");
        }
        return new DataStream(context, new TransformRel(t.getCluster(), t.getTraitSet(), t.getInputs(), t.factory(),
                t.partitioners(), t.needsWholeInput(), t.channels(), t.getRowType(), t.declaredRowType(),
                java.util.Set.of(tags)));
    }

    /**
     * Sets how many channels read this source (at most one per split) or run this user operator; other
     * steps choose their channels from the cluster size (use {@link #repartition} to spread rows).
     */
    public DataStream withChannels(int channels) {
        if (channels < 1) {
            throw NumbatException.userError("channels must be at least 1, got %d", channels);
        }
        if (rel instanceof TransformRel t) {
            return new DataStream(context, new TransformRel(t.getCluster(), t.getTraitSet(), t.getInputs(),
                    t.factory(), t.partitioners(), t.needsWholeInput(), channels, t.getRowType(), t.declaredRowType(),
                    t.placementTags()));
        }
        if (rel instanceof org.apache.calcite.rel.core.TableScan scan) {
            var table = scan.getTable().unwrap(dev.numbat.plan.catalog.SourceTable.class);
            if (table != null) {
                return context.read(table.source(), channels);
            }
        }
        throw NumbatException.userError("withChannels applies to a source or a user operator; use repartition "
                + "to spread the rows of other steps");
    }

    /** The same rows spread over {@code channels} channels by {@code partitioner}. */
    public DataStream repartition(Partitioner partitioner, int channels) {
        // A built-in pass-through, so the plan travels to a cluster without user code.
        return transform(dev.numbat.operators.union.UnionAllOperator.factory(), partitioner, channels);
    }

    // ---- relational steps

    /** Rows for which {@code condition} is true. */
    public DataStream filter(Column condition) {
        requireColumns("filter");
        RelBuilder b = builder();
        return with(b.filter(condition.rex(new Scope(b, 1))));
    }

    /** Just these columns or expressions, in this order (expressions named by {@link Column#as}). */
    public DataStream select(Column... columns) {
        requireColumns("select");
        RelBuilder b = builder();
        Scope scope = new Scope(b, 1);
        List<RexNode> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        for (Column c : columns) {
            exprs.add(c.rex(scope));
            names.add(c.name());
        }
        return with(b.project(exprs, names, true));
    }

    /** Just the named columns, in this order. */
    public DataStream select(String... columns) {
        return select(Arrays.stream(columns).map(Functions::col).toArray(Column[]::new));
    }

    /** All columns plus {@code name} computed by {@code value} (replacing a column of that name in place). */
    public DataStream withColumn(String name, Column value) {
        Map<String, Column> one = new LinkedHashMap<>();
        one.put(name, value);
        return withColumns(one);
    }

    /** {@link #withColumn} for several columns at once, evaluated against this stream's columns. */
    public DataStream withColumns(Map<String, Column> values) {
        requireColumns("withColumns");
        RelBuilder b = builder();
        Scope scope = new Scope(b, 1);
        List<RexNode> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Map<String, Column> pending = new LinkedHashMap<>(values);
        for (RelDataTypeField f : rel.getRowType().getFieldList()) {
            Column replacement = pending.remove(f.getName());
            exprs.add(replacement != null ? replacement.rex(scope) : b.field(f.getIndex()));
            names.add(f.getName());
        }
        pending.forEach((n, c) -> {
            exprs.add(c.rex(scope));
            names.add(n);
        });
        return with(b.project(exprs, names, true));
    }

    /** All columns but these. */
    public DataStream drop(String... columns) {
        requireColumns("drop");
        List<String> drop = Arrays.asList(columns);
        Scope check = new Scope(builder(), 1);
        drop.forEach(check::field);
        List<Column> keep = new ArrayList<>();
        for (String n : rel.getRowType().getFieldNames()) {
            if (!drop.contains(n)) {
                keep.add(Functions.col(n));
            }
        }
        return select(keep.toArray(new Column[0]));
    }

    /** The same rows with column {@code from} called {@code to}. */
    public DataStream rename(String from, String to) {
        requireColumns("rename");
        new Scope(builder(), 1).field(from);
        List<String> names = new ArrayList<>(rel.getRowType().getFieldNames());
        names.set(names.indexOf(from), to);
        return with(builder().rename(names));
    }

    /** Groups rows by these columns or expressions; finish with {@link Grouped#agg}. */
    public Grouped groupBy(Column... keys) {
        requireColumns("groupBy");
        return new Grouped(List.of(keys));
    }

    public Grouped groupBy(String... keys) {
        return groupBy(Arrays.stream(keys).map(Functions::col).toArray(Column[]::new));
    }

    /** Aggregates over all rows: one row out. */
    public DataStream agg(Agg... aggs) {
        return groupBy(new Column[0]).agg(aggs);
    }

    /** A grouping under construction. */
    public final class Grouped {
        private final List<Column> keys;

        Grouped(List<Column> keys) {
            this.keys = keys;
        }

        /** One row per group: the keys, then the aggregates. */
        public DataStream agg(Agg... aggs) {
            RelBuilder b = builder();
            Scope scope = new Scope(b, 1);
            List<RexNode> keyRex = new ArrayList<>();
            for (Column k : keys) {
                RexNode r = k.rex(scope);
                keyRex.add(k.alias != null ? b.alias(r, k.alias) : r);
            }
            List<RelBuilder.AggCall> calls = new ArrayList<>();
            for (Agg a : aggs) {
                calls.add(a.call(scope));
            }
            b.aggregate(b.groupKey(keyRex), calls);
            return with(keysInGivenOrder(b));
        }

        /**
         * Calcite's Aggregate emits its keys in input-column order; put them back in the order the user gave
         * them (as Spark and SQL do), when every key has a name to match on.
         */
        private RelBuilder keysInGivenOrder(RelBuilder b) {
            List<String> out = b.peek().getRowType().getFieldNames();
            int keyCount = keys.size();
            List<String> given = new ArrayList<>();
            for (Column k : keys) {
                given.add(k.name());
            }
            if (keyCount > out.size() || given.contains(null) || given.stream().distinct().count() != keyCount
                    || !new java.util.HashSet<>(out.subList(0, keyCount)).equals(new java.util.HashSet<>(given))
                    || out.subList(0, keyCount).equals(given)) {
                return b;
            }
            List<RexNode> exprs = new ArrayList<>();
            List<String> names = new ArrayList<>();
            for (String n : given) {
                exprs.add(b.field(out.indexOf(n)));
                names.add(n);
            }
            for (int i = keyCount; i < out.size(); i++) {
                exprs.add(b.field(i));
                names.add(out.get(i));
            }
            return b.project(exprs, names, true);
        }

        /** Rows per group, as column {@code count}. */
        public DataStream count() {
            return agg(Functions.count().as("count"));
        }
    }

    /**
     * Joins on columns of equal names: {@code how} is inner, left, right, full, semi or anti. The key
     * columns appear once (for right and full joins, the right side's or the non-null one).
     */
    public DataStream join(DataStream other, List<String> on, String how) {
        return join(other, on, on, how, true);
    }

    public DataStream join(DataStream other, String on) {
        return join(other, List.of(on), "inner");
    }

    /** Joins where {@code leftOn[i] = rightOn[i]}; all columns of both sides are kept (semi/anti: the left's). */
    public DataStream join(DataStream other, List<String> leftOn, List<String> rightOn, String how) {
        return join(other, leftOn, rightOn, how, false);
    }

    /**
     * Joins on an arbitrary condition over both sides' columns (names are looked up in this stream, then in
     * {@code other}; rename first where they clash).
     */
    public DataStream join(DataStream other, Column condition, String how) {
        requireColumns("join");
        other.requireColumns("join");
        RelBuilder b = builder().push(other.rel);
        JoinRelType type = joinType(how);
        RexNode c = condition.rex(new Scope(b, 2));
        return with(join(b, type, c));
    }

    private DataStream join(DataStream other, List<String> leftOn, List<String> rightOn, String how, boolean using) {
        requireColumns("join");
        other.requireColumns("join");
        if (leftOn.size() != rightOn.size() || leftOn.isEmpty()) {
            throw NumbatException.userError("join needs as many left keys as right keys, and at least one: %s and %s",
                    leftOn, rightOn);
        }
        JoinRelType type = joinType(how);
        RelBuilder b = builder().push(other.rel);
        List<RexNode> conditions = new ArrayList<>();
        for (int i = 0; i < leftOn.size(); i++) {
            conditions.add(keysEqual(b, field(b, 0, leftOn.get(i)), field(b, 1, rightOn.get(i))));
        }
        join(b, type, b.and(conditions));
        if (!using || type == JoinRelType.SEMI || type == JoinRelType.ANTI) {
            return with(b);
        }
        // USING semantics: one copy of each key.
        int leftCount = rel.getRowType().getFieldCount();
        List<RexNode> exprs = new ArrayList<>();
        List<String> names = new ArrayList<>();
        List<String> leftNames = rel.getRowType().getFieldNames();
        List<String> rightNames = other.rel.getRowType().getFieldNames();
        for (int i = 0; i < leftCount; i++) {
            String n = leftNames.get(i);
            RexNode value = b.field(i);
            if (leftOn.contains(n)) {
                RexNode right = b.field(leftCount + rightNames.indexOf(n));
                value = type == JoinRelType.RIGHT ? right
                        : type == JoinRelType.FULL ? b.call(org.apache.calcite.sql.fun.SqlStdOperatorTable.COALESCE, value, right)
                        : value;
            }
            exprs.add(value);
            names.add(n);
        }
        for (int i = 0; i < rightNames.size(); i++) {
            if (!rightOn.contains(rightNames.get(i))) {
                exprs.add(b.field(leftCount + i));
                names.add(rightNames.get(i));
            }
        }
        return with(b.project(exprs, names, true));
    }

    /** {@code left = right}, both cast to their common type when they differ (an INT key against a BIGINT one). */
    private static RexNode keysEqual(RelBuilder b, RexNode left, RexNode right) {
        var tf = b.getTypeFactory();
        if (!left.getType().getSqlTypeName().equals(right.getType().getSqlTypeName())) {
            RelDataType common = tf.leastRestrictive(List.of(left.getType(), right.getType()));
            if (common == null) {
                throw NumbatException.userError("cannot join %s with %s: cast one side first", left.getType(),
                        right.getType());
            }
            left = b.getRexBuilder().makeCast(tf.createTypeWithNullability(common, left.getType().isNullable()), left);
            right = b.getRexBuilder().makeCast(tf.createTypeWithNullability(common, right.getType().isNullable()), right);
        }
        return b.equals(left, right);
    }

    private static RexNode field(RelBuilder b, int input, String name) {
        List<String> names = b.peek(2, input).getRowType().getFieldNames();
        if (!names.contains(name)) {
            throw NumbatException.userError("no column '%s' on the %s side of the join%s; columns are %s", name,
                    input == 0 ? "left" : "right", Scope.suggestion(name, names), names);
        }
        return b.field(2, input, name);
    }

    private static RelBuilder join(RelBuilder b, JoinRelType type, RexNode condition) {
        return switch (type) {
            case SEMI -> b.semiJoin(condition);
            case ANTI -> b.antiJoin(condition);
            default -> b.join(type, condition);
        };
    }

    private static JoinRelType joinType(String how) {
        return switch (how.toLowerCase(java.util.Locale.ROOT)) {
            case "inner" -> JoinRelType.INNER;
            case "left", "left_outer", "leftouter" -> JoinRelType.LEFT;
            case "right", "right_outer", "rightouter" -> JoinRelType.RIGHT;
            case "full", "outer", "full_outer", "fullouter" -> JoinRelType.FULL;
            case "semi", "left_semi", "leftsemi" -> JoinRelType.SEMI;
            case "anti", "left_anti", "leftanti" -> JoinRelType.ANTI;
            default -> throw NumbatException.userError(
                    "unknown join type '%s': use inner, left, right, full, semi or anti", how);
        };
    }

    /**
     * Rows ordered by these columns ({@code col("x").desc()} for descending); NULLs sort last in both
     * directions, as in DuckDB.
     */
    public DataStream sort(Column... order) {
        requireColumns("sort");
        RelBuilder b = builder();
        return with(b.sort(sortKeys(b, order)));
    }

    /** Rows ordered by these columns, ascending. */
    public DataStream sort(String... columns) {
        return sort(Arrays.stream(columns).map(Functions::col).toArray(Column[]::new));
    }

    private static List<RexNode> sortKeys(RelBuilder b, Column... order) {
        Scope scope = new Scope(b, 1);
        List<RexNode> keys = new ArrayList<>();
        for (Column c : order) {
            RexNode r = c.rex(scope);
            keys.add(b.nullsLast("DESC".equals(c.direction) ? b.desc(r) : r));
        }
        return keys;
    }

    /** The first {@code n} rows (in this stream's order, if it has one). */
    public DataStream limit(long n) {
        return limit(0, n);
    }

    public DataStream limit(long offset, long n) {
        requireColumns("limit");
        return with(builder().limit((int) offset, (int) n));
    }

    /** The {@code n} first rows by {@code order}, without sorting everything. */
    public DataStream topK(long n, Column... order) {
        requireColumns("topK");
        RelBuilder b = builder();
        return with(b.sortLimit(0, (int) n, sortKeys(b, order)));
    }

    /** Distinct rows. */
    public DataStream distinct() {
        requireColumns("distinct");
        return with(builder().distinct());
    }

    /** The rows of this stream and of {@code other} (UNION ALL: duplicates kept); columns match by position. */
    public DataStream union(DataStream other) {
        requireColumns("union");
        other.requireColumns("union");
        return with(builder().push(other.rel).union(true));
    }

    /** The schema of this stream's batches, or null when only the batches tell (an undeclared operator's). */
    public Schema schema() {
        if (rel instanceof TransformRel t && !t.declaredRowType()) {
            return null;
        }
        return ArrowCalciteTypes.toSchema(rel.getRowType());
    }

    /** The column names. */
    public List<String> columns() {
        return rel.getRowType().getFieldNames();
    }

    // ---- running

    /** The task graph this stream runs as, with its output going to the client. */
    public TaskGraph plan() {
        return context.planner().compile(rel);
    }

    /**
     * The optimised logical plan with the optimiser's estimated rows, and the task graph (channel counts,
     * partitioning) as text.
     */
    public String explain() {
        return context.planner().explain(rel);
    }

    /**
     * EXPLAIN ANALYZE: runs the stream to the end (pipelined, its rows discarded), then returns the optimised
     * logical plan with the optimiser's estimated rows, followed by what the run did per task graph node:
     * channels, input partitioning, rows and batches in and out, busy time, peak memory, and per channel the
     * min / median / max of rows and time, so that skew shows (see {@link JobProfile}). Throws the job's
     * failure if the run fails.
     */
    public String explainAnalyze() {
        PlannerContext planner = context.planner();
        long start = System.nanoTime();
        RelNode optimized = planner.optimize(rel);
        TaskGraph graph = planner.toTaskGraph(optimized);
        long planned = System.nanoTime();
        long rows = 0;
        String profile;
        try (RunningQuery job = context.submit(graph)) {
            Iterator<VectorSchemaRoot> it = job.results();
            while (it.hasNext()) {
                try (VectorSchemaRoot b = it.next()) {
                    rows += b.getRowCount();
                }
            }
            job.await();
            profile = JobProfile.format(job);
        }
        long end = System.nanoTime();
        return "== Logical plan (optimised, estimated rows) ==\n" + planner.explainWithEstimates(optimized)
                + "\n== Execution profile ==\n"
                + String.format(java.util.Locale.ROOT, "%d rows in %.1f ms (planning %.1f ms, running %.1f ms)%n",
                        rows, (end - start) / 1e6, (planned - start) / 1e6, (end - planned) / 1e6)
                + profile;
    }

    /**
     * Starts the stream and returns it running: its {@link RunningQuery#results()} stream the result batches
     * as they are produced (each owned by the caller). Close it when done; closing cancels what still runs.
     */
    public RunningQuery run() {
        return context.submit(plan(), description == null ? "DataStream" : description);
    }

    /** This stream, described as {@code text} in cluster listings (the SQL it came from, say). */
    public DataStream describedAs(String text) {
        DataStream d = new DataStream(context, rel);
        d.description = text;
        return d;
    }

    /**
     * Runs the stream and hands each result batch to {@code action} as it arrives (pipelined); the batch is
     * closed when the action returns.
     */
    public void forEachBatch(Consumer<VectorSchemaRoot> action) {
        try (RunningQuery job = run()) {
            Iterator<VectorSchemaRoot> it = job.results();
            while (it.hasNext()) {
                try (VectorSchemaRoot b = it.next()) {
                    action.accept(b);
                }
            }
        }
    }

    /** Runs the stream and returns all rows as one Arrow table (allocated from the context; close it). */
    public Table collect() {
        BufferAllocator allocator = context.allocator();
        List<VectorSchemaRoot> batches = new ArrayList<>();
        try (RunningQuery job = run()) {
            job.results().forEachRemaining(batches::add);
            Schema schema = batches.isEmpty() ? schema() : batches.get(0).getSchema();
            if (schema == null) {
                schema = new Schema(List.of());
            }
            VectorSchemaRoot all = VectorSchemaRoot.create(schema, allocator);
            try {
                if (!batches.isEmpty()) {
                    VectorSchemaRootAppender.append(false, all, batches.toArray(new VectorSchemaRoot[0]));
                } else {
                    all.setRowCount(0);
                }
                return new Table(new ArrayList<>(all.getFieldVectors()), all.getRowCount());
            } catch (RuntimeException e) {
                all.close();
                throw e;
            }
        } finally {
            batches.forEach(VectorSchemaRoot::close);
        }
    }

    /** Runs the stream and returns its rows as Java values. Meant for small results. */
    public List<Row> collectRows() {
        List<Row> rows = new ArrayList<>();
        forEachBatch(b -> rows.addAll(toRows(b)));
        return rows;
    }

    /** Runs the stream and counts its rows. */
    public long count() {
        if (schema() == null) {
            long[] n = {0};
            forEachBatch(b -> n[0] += b.getRowCount());
            return n[0];
        }
        List<Row> rows = agg(Functions.count().as("count")).collectRows();
        return (Long) rows.get(0).get(0);
    }

    /** Prints the first 20 rows as a table to standard output. */
    public void show() {
        show(20);
    }

    /** Prints the first {@code n} rows as a table to standard output. */
    public void show(int n) {
        show(n, System.out);
    }

    public void show(int n, PrintStream out) {
        out.print(showString(n));
    }

    /** The first {@code n} rows formatted as a table. Stops the job once it has them. */
    public String showString(int n) {
        List<Row> rows = new ArrayList<>();
        Schema schema = null;
        try (RunningQuery job = run()) {
            Iterator<VectorSchemaRoot> it = job.results();
            while (rows.size() < n && it.hasNext()) {
                try (VectorSchemaRoot b = it.next()) {
                    schema = b.getSchema();
                    for (Row r : toRows(b)) {
                        if (rows.size() < n) {
                            rows.add(r);
                        }
                    }
                }
            }
        }
        if (schema == null) {
            schema = schema();
        }
        List<String> names = new ArrayList<>();
        if (schema != null) {
            schema.getFields().forEach(f -> names.add(f.getName()));
        }
        return TableFormat.format(names, rows);
    }

    static List<Row> toRows(VectorSchemaRoot b) {
        Map<String, Integer> index = new HashMap<>();
        List<FieldVector> vectors = b.getFieldVectors();
        for (int c = 0; c < vectors.size(); c++) {
            index.putIfAbsent(vectors.get(c).getName(), c);
        }
        List<Row> rows = new ArrayList<>(b.getRowCount());
        for (int r = 0; r < b.getRowCount(); r++) {
            Object[] values = new Object[vectors.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = Values.get(vectors.get(c), r);
            }
            rows.add(Row.of(index, values));
        }
        return rows;
    }

    // ---- writing

    /** Writes the stream as Parquet files, one per channel, into {@code dir}. */
    public WriteResult writeParquet(String dir) {
        return write(dir, id -> FileWriters.parquet(dir, id));
    }

    /** Writes the stream as CSV files with a header, one per channel, into {@code dir}. */
    public WriteResult writeCsv(String dir) {
        return writeCsv(dir, CsvWriteOptions.DEFAULT);
    }

    public WriteResult writeCsv(String dir, CsvWriteOptions options) {
        return write(dir, id -> FileWriters.csv(dir, id, options));
    }

    /** Writes the stream as Arrow IPC files, one per channel, into {@code dir}. */
    public WriteResult writeArrow(String dir) {
        return write(dir, id -> FileWriters.arrow(dir, id));
    }

    private WriteResult write(String dir, java.util.function.Function<String, OperatorFactory> writer) {
        String writeId = UUID.randomUUID().toString().substring(0, 8);
        List<Path> files = new ArrayList<>();
        long[] rows = {0};
        try {
            // Each writer channel reports the file it committed and its row count.
            transform(writer.apply(writeId)).forEachBatch(b -> {
                for (Row r : toRows(b)) {
                    files.add(Paths.get((String) r.get("path")));
                    rows[0] += (Long) r.get("rows");
                }
            });
        } catch (RuntimeException e) {
            FileWriters.cleanup(dir, writeId);
            throw e;
        }
        files.sort(null);
        return new WriteResult(files, rows[0]);
    }
}
