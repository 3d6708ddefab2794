package dev.numbat.plan.physical;

import dev.numbat.core.partition.ForwardPartitioner;

import dev.numbat.core.NumbatException;
import dev.numbat.core.expr.Expr;
import dev.numbat.core.expr.ExprCompiler;
import dev.numbat.core.expr.Fn;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.core.partition.Partitioners;
import dev.numbat.core.source.Source;
import dev.numbat.io.parquet.ParquetFilter;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.operators.aggregate.AggregateCall;
import dev.numbat.operators.aggregate.AggregateFunction;
import dev.numbat.operators.aggregate.AggregateMode;
import dev.numbat.operators.aggregate.HashAggregateOperator;
import dev.numbat.operators.join.HashJoinOperator;
import dev.numbat.operators.join.JoinType;
import dev.numbat.operators.limit.LimitOperator;
import dev.numbat.operators.project.FilterProjectOperator;
import dev.numbat.operators.sort.SortKey;
import dev.numbat.operators.sort.SortOperator;
import dev.numbat.operators.sort.TopKOperator;
import dev.numbat.operators.union.UnionAllOperator;
import dev.numbat.operators.window.WindowCall;
import dev.numbat.operators.window.WindowFrame;
import dev.numbat.operators.window.WindowFunction;
import dev.numbat.operators.window.WindowOperator;
import dev.numbat.operators.window.WindowSpec;
import dev.numbat.plan.PlanOptions;
import dev.numbat.plan.catalog.SourceTable;
import dev.numbat.plan.rel.TransformRel;
import dev.numbat.plan.types.ArrowCalciteTypes;
import dev.numbat.runtime.TaskGraph;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.plan.RelOptUtil;
import org.apache.calcite.rel.RelFieldCollation;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.Calc;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.Project;
import org.apache.calcite.rel.core.Sort;
import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.core.Union;
import org.apache.calcite.rel.core.Values;
import org.apache.calcite.rel.core.Window;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexInputRef;
import org.apache.calcite.rex.RexLiteral;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexProgram;
import org.apache.calcite.rex.RexShuttle;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rex.RexWindowBound;
import org.apache.calcite.rex.RexWindowExclusion;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Turns an optimised Calcite plan into a {@link TaskGraph} whose output node yields the query's rows, with
 * Calcite's column names.
 *
 * <h2>Operators</h2>
 * <ul>
 *   <li>{@code TableScan}, with a {@code Filter} and/or {@code Project} right above it: a source node reading only
 *       the used columns (Parquet) and pruning row groups by the filter's simple conjuncts
 *       ({@link ParquetFilters}), then one filter+project operator applying the full condition.</li>
 *   <li>{@code Filter}, {@code Project} (a Filter under a Project fused into it), {@code Calc}:
 *       {@link FilterProjectOperator} on the input's channels.</li>
 *   <li>{@code Aggregate}: {@link HashAggregateOperator} PARTIAL on the input's channels, a hash exchange on the
 *       group keys (one channel when there are none), FINAL; SINGLE when the input has one channel.</li>
 *   <li>{@code Join}: {@link HashJoinOperator}, equi-keys from {@link JoinInfo}, the rest of the condition as a
 *       residual filter. The build side (input 1, "whole input first") is the right side, or for INNER joins
 *       the side with fewer estimated rows; RIGHT joins run as LEFT joins with the sides swapped. A build side
 *       under {@link PlanOptions#broadcastThresholdRows()} is broadcast to the probe side's channels (which
 *       keep their partitioning); otherwise (and always for FULL joins) both sides are hash-partitioned on the
 *       keys over {@link PlanOptions#defaultChannels()} channels.</li>
 *   <li>{@code Sort}: with a fetch, top-k on every channel then a single-channel top-k; without, a
 *       single-channel sort; without keys, per-channel then single-channel limits.</li>
 *   <li>{@code Window}: per group of calls with the same window, a hash exchange on its partition columns (one
 *       channel when there are none; none when the stream is already so partitioned) and a
 *       {@link WindowOperator}; the groups' operators are chained.</li>
 *   <li>{@code Union} ALL: one union operator (inputs cast to the union's types when they differ);
 *       {@code Values}: an in-memory source.</li>
 * </ul>
 *
 * <h2>Channels and edges</h2>
 * Sources get {@code min(splits, defaultChannels)} channels; operators that do not repartition keep their
 * input's channels and are connected with a forward edge (producer channel {@code i} to consumer {@code i});
 * hash exchanges use {@code defaultChannels}; global aggregates, final sorts and limits use one.
 *
 * <p>Column names: every stream carries Arrow field names; hash partitioning is by name, so before a hash
 * exchange a stream whose names repeat (a join of two inputs with equal column names) is renamed to Calcite's
 * (unique) field names. The output is renamed to the root's field names when they differ.
 *
 * <p>Not thread-safe: one planner per plan.
 */
public final class PhysicalPlanner {
    private final PlanOptions options;
    private TaskGraph.Builder graph;
    private RexBuilder rexBuilder;
    private RelMetadataQuery mq;

    public PhysicalPlanner(PlanOptions options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    /** One operator's output: node id, channel count, the Arrow schema of its batches. */
    private record Stream(int node, int channels, Schema schema) {
        List<String> names() {
            return schema.getFields().stream().map(Field::getName).toList();
        }
    }

    /** The task graph computing {@code root}, whose output node is the root's. */
    public synchronized TaskGraph plan(RelNode root) {
        graph = TaskGraph.builder();
        rexBuilder = root.getCluster().getRexBuilder();
        mq = root.getCluster().getMetadataQuery();
        try {
            Stream out = visit(root);
            if (!(root instanceof TransformRel t && !t.declaredRowType())) {
                out = withNames(out, root.getRowType().getFieldNames());
            }
            graph.output(out.node());
            return graph.build();
        } finally {
            graph = null;
        }
    }

    private Stream visit(RelNode rel) {
        if (rel instanceof TableScan scan) {
            return scan(scan, null, null, null);
        }
        if (rel instanceof Project project) {
            if (project.getInput() instanceof Filter filter) {
                return filterProject(filter.getInput(), filter.getCondition(), project.getProjects(),
                        project.getRowType().getFieldNames());
            }
            return filterProject(project.getInput(), null, project.getProjects(), project.getRowType().getFieldNames());
        }
        if (rel instanceof Filter filter) {
            return filterProject(filter.getInput(), filter.getCondition(), null, filter.getRowType().getFieldNames());
        }
        if (rel instanceof Calc calc) {
            RexProgram program = calc.getProgram();
            RexNode condition = program.getCondition() == null ? null : program.expandLocalRef(program.getCondition());
            List<RexNode> projects = program.getProjectList().stream().map(r -> program.expandLocalRef(r)).toList();
            return filterProject(calc.getInput(), condition, projects, program.getOutputRowType().getFieldNames());
        }
        if (rel instanceof Aggregate aggregate) {
            return aggregate(aggregate);
        }
        if (rel instanceof Join join) {
            return join(join);
        }
        if (rel instanceof Sort sort) {
            return sort(sort);
        }
        if (rel instanceof Union union) {
            return union(union);
        }
        if (rel instanceof Values values) {
            return values(values);
        }
        if (rel instanceof Window window) {
            return window(window);
        }
        if (rel instanceof TransformRel transform) {
            return transform(transform);
        }
        if (rel instanceof org.apache.calcite.rel.core.SetOp setOp && setOp.all) {
            throw NumbatException.userError("%s ALL is not supported yet; %s without ALL is",
                    setOp.kind == org.apache.calcite.sql.SqlKind.MINUS ? "EXCEPT" : "INTERSECT",
                    setOp.kind == org.apache.calcite.sql.SqlKind.MINUS ? "EXCEPT" : "INTERSECT");
        }
        throw NumbatException.userError("plan node %s is not supported by Numbat's physical planner:%n%s",
                rel.getRelTypeName(), RelOptUtil.toString(rel));
    }

    // ---- scans, filters, projections ---------------------------------------------------------------------

    /** A filter (null: none) and projection (null: all columns) over {@code input}, fused with a scan below. */
    private Stream filterProject(RelNode input, RexNode condition, List<RexNode> projects, List<String> names) {
        if (input instanceof TableScan scan) {
            return scan(scan, condition, projects, names);
        }
        return applyFilterProject(visit(input), condition, projects, names);
    }

    private Stream scan(TableScan scan, RexNode condition, List<RexNode> projects, List<String> names) {
        SourceTable table = scan.getTable().unwrap(SourceTable.class);
        if (table == null) {
            throw NumbatException.userError("table %s is not a Numbat source table", scan.getTable().getQualifiedName());
        }
        Source source = table.source();
        List<String> columns = source.schema().getFields().stream().map(Field::getName).toList();
        if (source instanceof ParquetSource parquet) {
            ParquetSource pushed = parquet;
            if (projects != null) {
                ImmutableBitSet used = RelOptUtil.InputFinder.bits(projects, condition);
                if (used.isEmpty()) {
                    used = ImmutableBitSet.of(0); // count(*): read the first column for its row count
                }
                if (used.cardinality() < columns.size()) {
                    List<Integer> kept = used.asList();
                    int[] newIndex = new int[columns.size()];
                    List<String> keptNames = new ArrayList<>();
                    for (int i = 0; i < kept.size(); i++) {
                        newIndex[kept.get(i)] = i;
                        keptNames.add(columns.get(kept.get(i)));
                    }
                    pushed = pushed.withColumns(keptNames);
                    RexShuttle remap = new RexShuttle() {
                        @Override
                        public RexNode visitInputRef(RexInputRef ref) {
                            return new RexInputRef(newIndex[ref.getIndex()], ref.getType());
                        }
                    };
                    if (condition != null) {
                        condition = condition.accept(remap);
                    }
                    projects = remap.apply(projects);
                    columns = keptNames;
                }
            }
            if (condition != null) {
                ParquetFilter pruning = ParquetFilters.of(condition, columns);
                if (pruning != null) {
                    pushed = pushed.withFilter(pruning);
                }
            }
            source = pushed;
        }
        int target = table.channels() != null ? table.channels() : options.defaultChannels();
        int splits = Math.max(1, source.splits(target).size());
        int channels = Math.min(splits, target);
        Stream s = new Stream(graph.source("scan " + table.name(), source, channels), channels, source.schema());
        if (condition == null && (projects == null || isIdentity(projects, names, s.schema()))) {
            return s;
        }
        return applyFilterProject(s, condition, projects, names);
    }

    private static boolean isIdentity(List<RexNode> projects, List<String> names, Schema schema) {
        if (projects.size() != schema.getFields().size()) {
            return false;
        }
        for (int i = 0; i < projects.size(); i++) {
            if (!(projects.get(i) instanceof RexInputRef ref) || ref.getIndex() != i
                    || !names.get(i).equals(schema.getFields().get(i).getName())) {
                return false;
            }
        }
        return true;
    }

    private Stream applyFilterProject(Stream in, RexNode condition, List<RexNode> projects, List<String> names) {
        RexToExpr rex = new RexToExpr(in.schema().getFields(), rexBuilder);
        Expr filter = condition == null ? null : rex.convert(condition);
        List<Expr> exprs = new ArrayList<>();
        if (projects == null) {
            for (int i = 0; i < in.schema().getFields().size(); i++) {
                Field f = in.schema().getFields().get(i);
                exprs.add(new Expr.Column(i, f.getType(), f.isNullable()));
            }
        } else {
            exprs.addAll(rex.convert(projects));
        }
        String label = filter == null ? "project" : projects == null ? "filter" : "filter+project";
        return project(in, label, filter, exprs, names);
    }

    private Stream project(Stream in, String label, Expr filter, List<Expr> exprs, List<String> names) {
        OperatorFactory factory = FilterProjectOperator.factory(in.schema(), filter, exprs, names);
        List<Field> fields = new ArrayList<>();
        for (int i = 0; i < exprs.size(); i++) {
            Expr e = exprs.get(i);
            fields.add(new Field(names.get(i), new FieldType(e.nullable(), e.type(), null), null));
        }
        Schema declared = factory.outputSchema(List.of(in.schema()));
        Schema out = declared != null ? declared : new Schema(fields);
        int node = graph.operator(label, factory, in.channels());
        graph.connect(in.node(), node, 0, ForwardPartitioner.INSTANCE, false);
        return new Stream(node, in.channels(), out);
    }

    /** A user operator: its inputs partitioned as the user asked, or forwarded on the first input's channels. */
    private Stream transform(TransformRel t) {
        List<Stream> inputs = new ArrayList<>();
        for (RelNode input : t.getInputs()) {
            Stream s = visit(input);
            if (!(input instanceof TransformRel u && !u.declaredRowType())) {
                s = withNames(s, input.getRowType().getFieldNames());
            }
            inputs.add(s);
        }
        int channels = t.channels() == TransformRel.SAME_AS_INPUT ? inputs.get(0).channels() : t.channels();
        int node = graph.operator(t.factory().name(), t.factory(), channels);
        graph.tag(node, t.placementTags());
        for (int i = 0; i < inputs.size(); i++) {
            graph.connect(inputs.get(i).node(), node, i, t.partitioners().get(i), t.needsWholeInput().get(i));
        }
        Schema schema = t.declaredRowType() ? ArrowCalciteTypes.toSchema(t.getRowType())
                : new Schema(List.of());
        return new Stream(node, channels, schema);
    }

    /** {@code in} with its columns named {@code names} (a projection only when they differ). */
    private Stream withNames(Stream in, List<String> names) {
        if (in.names().equals(names)) {
            return in;
        }
        List<Expr> exprs = new ArrayList<>();
        for (int i = 0; i < names.size(); i++) {
            Field f = in.schema().getFields().get(i);
            exprs.add(new Expr.Column(i, f.getType(), f.isNullable()));
        }
        return project(in, "rename", null, exprs, names);
    }

    /** {@code in} with unique column names (renamed to {@code rowType}'s when its own repeat). */
    private Stream uniqueNames(Stream in, RelDataType rowType) {
        Set<String> seen = new HashSet<>();
        for (String n : in.names()) {
            if (!seen.add(n)) {
                return withNames(in, rowType.getFieldNames());
            }
        }
        return in;
    }

    // ---- aggregates --------------------------------------------------------------------------------------

    private Stream aggregate(Aggregate agg) {
        if (agg.getGroupType() != Aggregate.Group.SIMPLE) {
            throw NumbatException.userError("GROUPING SETS, ROLLUP and CUBE are not supported yet");
        }
        Stream in = uniqueNames(visit(agg.getInput()), agg.getInput().getRowType());
        List<Integer> keys = agg.getGroupSet().asList();
        List<String> outNames = agg.getRowType().getFieldNames();
        List<AggregateCall> calls = new ArrayList<>();
        List<Integer> sum0 = new ArrayList<>();
        for (int i = 0; i < agg.getAggCallList().size(); i++) {
            org.apache.calcite.rel.core.AggregateCall call = agg.getAggCallList().get(i);
            String name = outNames.get(keys.size() + i);
            if (call.filterArg >= 0) {
                throw NumbatException.userError("aggregate %s with FILTER is not supported", call);
            }
            AggregateFunction fn = function(call);
            if (call.getAggregation().getKind() == org.apache.calcite.sql.SqlKind.SUM0) {
                sum0.add(keys.size() + i);
            }
            calls.add(fn == AggregateFunction.COUNT_STAR ? AggregateCall.countStar(name)
                    : AggregateCall.of(fn, call.getArgList().get(0), name));
        }
        HashAggregateOperator.Factory single = HashAggregateOperator.Factory.single(in.schema(), keys, calls);
        Stream out;
        if (in.channels() == 1) {
            int node = graph.operator("aggregate", single, 1);
            graph.connect(in.node(), node, 0, ForwardPartitioner.INSTANCE, false);
            out = new Stream(node, 1, single.outputSchema());
        } else {
            HashAggregateOperator.Factory partial = single.withMode(AggregateMode.PARTIAL);
            int p = graph.operator("aggregate partial", partial, in.channels());
            graph.connect(in.node(), p, 0, ForwardPartitioner.INSTANCE, false);
            HashAggregateOperator.Factory fin = single.withMode(AggregateMode.FINAL);
            int channels = keys.isEmpty() ? 1 : options.defaultChannels();
            Partitioner exchange = keys.isEmpty() ? Partitioners.single()
                    : Partitioners.hash(partial.partialSchema().getFields().subList(0, keys.size()).stream()
                            .map(Field::getName).toArray(String[]::new));
            int f = graph.operator("aggregate final", fin, channels);
            graph.connect(p, f, 0, exchange, false);
            out = new Stream(f, channels, fin.outputSchema());
        }
        if (!sum0.isEmpty()) {
            out = coalesceToZero(out, sum0);
        }
        return out;
    }

    private static AggregateFunction function(org.apache.calcite.rel.core.AggregateCall call) {
        int args = call.getArgList().size();
        AggregateFunction fn = switch (call.getAggregation().getKind()) {
            case COUNT -> args == 0 ? AggregateFunction.COUNT_STAR
                    : call.isDistinct() ? AggregateFunction.COUNT_DISTINCT : AggregateFunction.COUNT;
            case SUM, SUM0 -> AggregateFunction.SUM;
            case MIN, ANY_VALUE -> AggregateFunction.MIN;
            // SINGLE_VALUE comes from scalar sub-queries: there is at most one row, so MAX is that row's value
            // (a second row, which SQL would reject, is not detected).
            case MAX, SINGLE_VALUE -> AggregateFunction.MAX;
            case AVG -> AggregateFunction.AVG;
            case STDDEV_POP -> AggregateFunction.STDDEV_POP;
            case STDDEV_SAMP -> AggregateFunction.STDDEV_SAMP;
            case VAR_POP -> AggregateFunction.VAR_POP;
            case VAR_SAMP -> AggregateFunction.VAR_SAMP;
            default -> throw NumbatException.userError("aggregate function %s is not supported", call.getAggregation());
        };
        if (fn != AggregateFunction.COUNT_STAR && args != 1
                || call.isDistinct() && fn != AggregateFunction.COUNT_DISTINCT && fn != AggregateFunction.MIN
                && fn != AggregateFunction.MAX) {
            throw NumbatException.userError("aggregate %s is not supported", call);
        }
        return fn;
    }

    private Stream coalesceToZero(Stream in, List<Integer> columns) {
        List<Expr> exprs = new ArrayList<>();
        List<Field> fields = in.schema().getFields();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            Expr col = new Expr.Column(i, f.getType(), f.isNullable());
            if (columns.contains(i)) {
                Object zero = f.getType() instanceof org.apache.arrow.vector.types.pojo.ArrowType.Decimal d
                        ? java.math.BigDecimal.ZERO.setScale(d.getScale())
                        : f.getType() instanceof org.apache.arrow.vector.types.pojo.ArrowType.FloatingPoint ? (Object) 0.0
                        : (Object) 0L;
                col = new Expr.Call(Fn.COALESCE, List.of(col, new Expr.Literal(zero, f.getType())), f.getType(), false);
            }
            exprs.add(col);
        }
        return project(in, "project", null, exprs, in.names());
    }

    // ---- joins -------------------------------------------------------------------------------------------

    private Stream join(Join join) {
        JoinInfo info = join.analyzeCondition();
        RexNode residual = info.isEqui() ? null : RexUtil.composeConjunction(rexBuilder, info.nonEquiConditions);
        RelNode leftRel = join.getLeft();
        RelNode rightRel = join.getRight();
        Stream left = visit(leftRel);
        Stream right = visit(rightRel);
        double leftRows = rows(leftRel);
        double rightRows = rows(rightRel);
        JoinType type;
        boolean swap = false;
        switch (join.getJoinType()) {
            case INNER -> {
                type = JoinType.INNER;
                swap = leftRows < rightRows;
            }
            case LEFT -> type = JoinType.LEFT;
            case RIGHT -> {
                type = JoinType.LEFT;
                swap = true;
            }
            case FULL -> type = JoinType.FULL;
            case SEMI -> type = JoinType.SEMI;
            case ANTI -> type = JoinType.ANTI;
            default -> throw NumbatException.userError("join type %s is not supported", join.getJoinType());
        }
        Stream probe = swap ? right : left;
        Stream build = swap ? left : right;
        int[] probeKeys = (swap ? info.rightKeys : info.leftKeys).toIntArray();
        int[] buildKeys = (swap ? info.leftKeys : info.rightKeys).toIntArray();
        double buildRows = swap ? leftRows : rightRows;
        int leftCount = leftRel.getRowType().getFieldCount();
        int rightCount = rightRel.getRowType().getFieldCount();

        HashJoinOperator.Factory factory;
        boolean keyless = probeKeys.length == 0;
        boolean broadcast = type != JoinType.FULL && buildRows < options.broadcastThresholdRows();
        if (!broadcast && !keyless) {
            probe = uniqueNames(probe, swap ? rightRel.getRowType() : leftRel.getRowType());
            build = uniqueNames(build, swap ? leftRel.getRowType() : rightRel.getRowType());
        }
        factory = HashJoinOperator.factory(type, probeKeys, buildKeys).withInputSchemas(probe.schema(), build.schema());
        if (residual != null) {
            if (swap) {
                residual = residual.accept(new RexShuttle() {
                    @Override
                    public RexNode visitInputRef(RexInputRef ref) {
                        int i = ref.getIndex();
                        return new RexInputRef(i < leftCount ? i + rightCount : i - leftCount, ref.getType());
                    }
                });
            }
            List<Field> candidates = new ArrayList<>(probe.schema().getFields());
            candidates.addAll(build.schema().getFields());
            Expr condition = new RexToExpr(candidates, rexBuilder).convert(residual);
            factory = factory.withFilter(new ResidualJoinFilter(ExprCompiler.compile(condition)));
        }

        int channels;
        Partitioner probeEdge;
        Partitioner buildEdge;
        if (broadcast) {
            channels = probe.channels();
            probeEdge = ForwardPartitioner.INSTANCE;
            buildEdge = Partitioners.broadcast();
        } else if (keyless) {
            channels = 1;
            probeEdge = Partitioners.single();
            buildEdge = Partitioners.single();
        } else {
            channels = options.defaultChannels();
            probeEdge = Partitioners.hash(names(probe, probeKeys));
            buildEdge = Partitioners.hash(names(build, buildKeys));
        }
        String label = "hash join " + type.name().toLowerCase(java.util.Locale.ROOT)
                + (broadcast ? " (broadcast build)" : "");
        int node = graph.operator(label, factory, channels);
        graph.connect(probe.node(), node, HashJoinOperator.PROBE_INPUT, probeEdge, false);
        graph.connect(build.node(), node, HashJoinOperator.BUILD_INPUT, buildEdge, true);
        Stream out = new Stream(node, channels, HashJoinOperator.joinSchema(type, probe.schema(), build.schema()));
        if (swap && type.outputsBuildColumns()) {
            // back to Calcite's column order: left (the build side here) then right
            List<Field> fields = out.schema().getFields();
            int probeCount = probe.schema().getFields().size();
            List<Expr> exprs = new ArrayList<>();
            List<Integer> order = new ArrayList<>();
            for (int i = 0; i < leftCount; i++) {
                order.add(probeCount + i);
            }
            for (int i = 0; i < rightCount; i++) {
                order.add(i);
            }
            for (int i : order) {
                exprs.add(new Expr.Column(i, fields.get(i).getType(), fields.get(i).isNullable()));
            }
            out = project(out, "project", null, exprs, join.getRowType().getFieldNames());
        }
        return out;
    }

    private double rows(RelNode rel) {
        Double r = mq.getRowCount(rel);
        return r == null ? Double.MAX_VALUE : r;
    }

    private static String[] names(Stream s, int[] columns) {
        String[] out = new String[columns.length];
        for (int i = 0; i < columns.length; i++) {
            out[i] = s.schema().getFields().get(columns[i]).getName();
        }
        return out;
    }

    // ---- sort, limit -------------------------------------------------------------------------------------

    private Stream sort(Sort sort) {
        Stream in = visit(sort.getInput());
        List<SortKey> keys = new ArrayList<>();
        for (RelFieldCollation fc : sort.getCollation().getFieldCollations()) {
            boolean ascending = !fc.direction.isDescending();
            RelFieldCollation.NullDirection nulls = fc.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED
                    ? fc.direction.defaultNullDirection() : fc.nullDirection;
            keys.add(new SortKey(fc.getFieldIndex(), ascending, nulls == RelFieldCollation.NullDirection.FIRST));
        }
        long offset = sort.offset == null ? 0 : longValue(sort.offset);
        long fetch = sort.fetch == null ? LimitOperator.NO_LIMIT : longValue(sort.fetch);
        long firstRows = fetch == LimitOperator.NO_LIMIT ? LimitOperator.NO_LIMIT : offset + fetch;
        if (keys.isEmpty()) {
            return limit(in, offset, fetch, firstRows);
        }
        if (fetch != LimitOperator.NO_LIMIT && firstRows <= TopKOperator.MAX_ROWS) {
            Stream s = in;
            if (in.channels() > 1) {
                s = single(in, "top-k partial", TopKOperator.factory(keys, 0, firstRows), in.channels(),
                        ForwardPartitioner.INSTANCE);
            }
            return single(s, "top-k", TopKOperator.factory(keys, offset, fetch), 1, Partitioners.single());
        }
        Stream sorted = single(in, "sort", SortOperator.factory(keys), 1, Partitioners.single());
        if (offset == 0 && fetch == LimitOperator.NO_LIMIT) {
            return sorted;
        }
        return single(sorted, "limit", LimitOperator.factory(offset, fetch), 1, ForwardPartitioner.INSTANCE);
    }

    private Stream limit(Stream in, long offset, long fetch, long firstRows) {
        Stream s = in;
        if (in.channels() > 1 && firstRows != LimitOperator.NO_LIMIT) {
            s = single(in, "limit partial", LimitOperator.factory(0, firstRows), in.channels(),
                    ForwardPartitioner.INSTANCE);
        }
        return single(s, "limit", LimitOperator.factory(offset, fetch), 1, Partitioners.single());
    }

    /** An operator that keeps its input's schema, on {@code channels} channels. */
    private Stream single(Stream in, String label, OperatorFactory factory, int channels, Partitioner edge) {
        int node = graph.operator(label, factory, channels);
        graph.connect(in.node(), node, 0, edge, false);
        return new Stream(node, channels, in.schema());
    }

    private static long longValue(RexNode node) {
        if (node instanceof RexLiteral lit) {
            Long v = lit.getValueAs(Long.class);
            if (v != null && v >= 0) {
                return v;
            }
        }
        throw NumbatException.userError("OFFSET and FETCH must be non-negative literals, got %s", node);
    }

    // ---- window functions --------------------------------------------------------------------------------

    private Stream window(Window window) {
        int inputCount = window.getInput().getRowType().getFieldCount();
        List<String> allNames = window.getRowType().getFieldNames();
        Stream s = uniqueNames(visit(window.getInput()), window.getInput().getRowType());
        List<Integer> partitionedBy = null;
        int column = inputCount;
        for (Window.Group group : window.groups) {
            if (group.exclude != RexWindowExclusion.EXCLUDE_NO_OTHER) {
                throw NumbatException.userError("window frame EXCLUDE is not supported: %s", group);
            }
            List<Integer> keys = group.keys.asList();
            List<SortKey> order = new ArrayList<>();
            for (RelFieldCollation fc : group.orderKeys.getFieldCollations()) {
                order.add(sortKey(fc));
            }
            WindowFrame frame = windowFrame(window, group, inputCount);
            List<WindowCall> calls = new ArrayList<>();
            for (Window.RexWinAggCall call : group.aggCalls) {
                calls.add(windowCall(window, call, inputCount, allNames.get(column++)));
            }
            WindowOperator.Factory factory = WindowOperator.factory(new WindowSpec(keys, order, frame), calls);
            int channels;
            Partitioner edge;
            if (keys.equals(partitionedBy)) {
                channels = s.channels();
                edge = ForwardPartitioner.INSTANCE;
            } else if (keys.isEmpty()) {
                channels = 1;
                edge = Partitioners.single();
            } else {
                channels = options.defaultChannels();
                edge = Partitioners.hash(names(s, keys.stream().mapToInt(Integer::intValue).toArray()));
            }
            int node = graph.operator("window", factory, channels);
            graph.connect(s.node(), node, 0, edge, false);
            s = new Stream(node, channels, factory.outputSchema(List.of(s.schema())));
            partitionedBy = keys;
        }
        return s;
    }

    private static SortKey sortKey(RelFieldCollation fc) {
        boolean ascending = !fc.direction.isDescending();
        RelFieldCollation.NullDirection nulls = fc.nullDirection == RelFieldCollation.NullDirection.UNSPECIFIED
                ? fc.direction.defaultNullDirection() : fc.nullDirection;
        return new SortKey(fc.getFieldIndex(), ascending, nulls == RelFieldCollation.NullDirection.FIRST);
    }

    private static WindowFrame windowFrame(Window window, Window.Group group, int inputCount) {
        long lower = bound(window, group.lowerBound, inputCount);
        long upper = bound(window, group.upperBound, inputCount);
        if (!group.isRows && (lower != WindowFrame.UNBOUNDED_PRECEDING && lower != 0
                || upper != WindowFrame.UNBOUNDED_FOLLOWING && upper != 0)) {
            throw NumbatException.userError("RANGE frames with offsets are not supported: %s", group);
        }
        return new WindowFrame(group.isRows, lower, upper);
    }

    private static long bound(Window window, RexWindowBound bound, int inputCount) {
        if (bound.isUnbounded()) {
            return bound.isPreceding() ? WindowFrame.UNBOUNDED_PRECEDING : WindowFrame.UNBOUNDED_FOLLOWING;
        }
        if (bound.isCurrentRow()) {
            return 0;
        }
        Object v = windowConstant(window, bound.getOffset(), inputCount);
        if (!(v instanceof Number number) || number.longValue() < 0) {
            throw NumbatException.userError("a window frame offset must be a non-negative integer, got %s",
                    bound.getOffset());
        }
        return bound.isPreceding() ? -number.longValue() : number.longValue();
    }

    /** The value of a literal operand of a window, or of a reference to one of {@code window.constants}. */
    private static Object windowConstant(Window window, RexNode node, int inputCount) {
        if (node instanceof RexLiteral lit) {
            return RexToExpr.literalValue(lit);
        }
        if (node instanceof RexInputRef ref && ref.getIndex() >= inputCount) {
            return RexToExpr.literalValue(window.constants.get(ref.getIndex() - inputCount));
        }
        throw NumbatException.userError("window function operand %s must be a constant", node);
    }

    private static WindowCall windowCall(Window window, Window.RexWinAggCall call, int inputCount, String name) {
        if (call.distinct) {
            throw NumbatException.userError("DISTINCT window aggregates are not supported: %s", call);
        }
        List<RexNode> operands = call.getOperands();
        WindowFunction fn = switch (call.getOperator().getKind()) {
            case ROW_NUMBER -> WindowFunction.ROW_NUMBER;
            case RANK -> WindowFunction.RANK;
            case DENSE_RANK -> WindowFunction.DENSE_RANK;
            case LAG -> WindowFunction.LAG;
            case LEAD -> WindowFunction.LEAD;
            case FIRST_VALUE -> WindowFunction.FIRST_VALUE;
            case LAST_VALUE -> WindowFunction.LAST_VALUE;
            case SUM -> WindowFunction.SUM;
            case SUM0 -> WindowFunction.SUM0;
            case AVG -> WindowFunction.AVG;
            case MIN -> WindowFunction.MIN;
            case MAX -> WindowFunction.MAX;
            case COUNT -> operands.isEmpty() ? WindowFunction.COUNT_STAR : WindowFunction.COUNT;
            default -> throw NumbatException.userError("window function %s is not supported", call.getOperator());
        };
        if (!fn.takesArgument()) {
            return WindowCall.of(fn, name);
        }
        if (operands.isEmpty() || !(operands.get(0) instanceof RexInputRef arg) || arg.getIndex() >= inputCount
                || fn == WindowFunction.COUNT && operands.size() != 1) {
            throw NumbatException.userError("window function call %s is not supported", call);
        }
        if (fn == WindowFunction.LAG || fn == WindowFunction.LEAD) {
            long offset = 1;
            if (operands.size() > 1) {
                Object o = windowConstant(window, operands.get(1), inputCount);
                if (!(o instanceof Number number) || number.longValue() < 0) {
                    throw NumbatException.userError("the offset of %s must be a non-negative integer", call);
                }
                offset = number.longValue();
            }
            Object dflt = operands.size() > 2 ? windowConstant(window, operands.get(2), inputCount) : null;
            if (dflt != null && !(dflt instanceof java.io.Serializable)) {
                throw NumbatException.userError("the default of %s is not supported", call);
            }
            return WindowCall.shift(fn, arg.getIndex(), offset, (java.io.Serializable) dflt, name);
        }
        return WindowCall.of(fn, arg.getIndex(), name);
    }

    // ---- union, values -----------------------------------------------------------------------------------

    private Stream union(Union union) {
        if (!union.all) {
            throw NumbatException.internal("UNION DISTINCT should have been rewritten to an aggregate", null);
        }
        Schema schema = ArrowCalciteTypes.toSchema(union.getRowType());
        List<String> names = union.getRowType().getFieldNames();
        List<Stream> inputs = new ArrayList<>();
        int channels = 1;
        for (RelNode input : union.getInputs()) {
            Stream s = castTo(visit(input), schema);
            inputs.add(s);
            channels = Math.max(channels, s.channels());
        }
        int node = graph.operator("union all", UnionAllOperator.factory(schema), channels);
        for (int i = 0; i < inputs.size(); i++) {
            graph.connect(inputs.get(i).node(), node, i, ForwardPartitioner.INSTANCE, false);
        }
        return new Stream(node, channels, new Schema(schema.getFields().stream()
                .map(f -> new Field(names.get(schema.getFields().indexOf(f)), f.getFieldType(), null)).toList()));
    }

    /** {@code in} with the column types of {@code target} (a cast projection when some differ). */
    private Stream castTo(Stream in, Schema target) {
        List<Field> fields = in.schema().getFields();
        boolean same = true;
        for (int i = 0; i < fields.size(); i++) {
            same &= fields.get(i).getType().equals(target.getFields().get(i).getType());
        }
        if (same) {
            return in;
        }
        List<Expr> exprs = new ArrayList<>();
        for (int i = 0; i < fields.size(); i++) {
            Field f = fields.get(i);
            Field t = target.getFields().get(i);
            Expr col = new Expr.Column(i, f.getType(), f.isNullable());
            exprs.add(f.getType().equals(t.getType()) ? col : new Expr.Call(Fn.CAST, List.of(col), t.getType(),
                    f.isNullable()));
        }
        return project(in, "cast", null, exprs, in.names());
    }

    private Stream values(Values values) {
        Schema schema = ArrowCalciteTypes.toSchema(values.getRowType());
        List<List<Object>> rows = new ArrayList<>();
        for (List<RexLiteral> tuple : values.getTuples()) {
            List<Object> row = new ArrayList<>();
            for (RexLiteral lit : tuple) {
                row.add(RexToExpr.literalValue(lit));
            }
            rows.add(row);
        }
        int node = graph.source("values", new ValuesSource(schema, rows), 1);
        return new Stream(node, 1, schema);
    }
}
