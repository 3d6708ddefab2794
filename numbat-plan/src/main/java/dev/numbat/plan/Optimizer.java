package dev.numbat.plan;

import dev.numbat.plan.metadata.NumbatRelMdRowCount;
import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.plan.Contexts;
import org.apache.calcite.plan.RelOptRule;
import org.apache.calcite.plan.hep.HepMatchOrder;
import org.apache.calcite.plan.hep.HepPlanner;
import org.apache.calcite.plan.hep.HepProgram;
import org.apache.calcite.plan.hep.HepProgramBuilder;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.core.Filter;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.rules.CoreRules;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.rex.RexUtil;
import org.apache.calcite.rel.rules.PruneEmptyRules;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.sql2rel.RelDecorrelator;
import org.apache.calcite.sql2rel.RelFieldTrimmer;
import org.apache.calcite.tools.RelBuilder;

/**
 * Numbat's logical optimisation: Calcite rules run by {@link HepPlanner}s in fixed phases, so a plan is
 * optimised the same way every time and quickly (no cost-based search over physical alternatives: the
 * physical choices are made by {@link dev.numbat.plan.physical.PhysicalPlanner}).
 *
 * <ol>
 *   <li>Sub-queries to correlates, then decorrelation ({@link RelDecorrelator}); then common factors of
 *       disjunctions pulled out and {@code LITERAL_AGG} calls projected (see {@code normalize}).</li>
 *   <li>Simplify and push down: constant folding ({@code *_REDUCE_EXPRESSIONS}), filter push-down through
 *       projections, aggregates, set operations and into joins ({@code FILTER_INTO_JOIN},
 *       {@code JOIN_CONDITION_PUSH}), join-key expressions pushed into projections below the join, project and
 *       filter merge, aggregate-project merge, UNION/INTERSECT/EXCEPT DISTINCT to aggregates, FILTER clauses of
 *       aggregates to CASE, and pruning of empty inputs.</li>
 *   <li>Join ordering from row counts: joins into a {@code MultiJoin}, then {@code LoptOptimizeJoinRule}
 *       (greedy, using {@code RelMetadataQuery} row counts: the tables' statistics and
 *       {@link NumbatRelMdRowCount}'s foreign-key join estimates).</li>
 *   <li>Filter push-down again (join ordering may leave conditions above joins).</li>
 *   <li>Projection pruning with {@link RelFieldTrimmer}: every operator keeps only the columns used above it, so
 *       scans read only needed columns.</li>
 *   <li>Window functions ({@code RexOver} in a projection) to a {@code LogicalWindow} between two projections.</li>
 *   <li>Tidy: merge and remove trivial projections, filters below projections (so a scan sees
 *       {@code Project(Filter(Scan))}, which the physical planner folds into the source).</li>
 * </ol>
 * Distinct aggregates other than {@code COUNT(DISTINCT x)} (which the hash aggregate computes itself) are
 * expanded with {@code AGGREGATE_EXPAND_DISTINCT_AGGREGATES}.
 */
public final class Optimizer {
    private static final List<RelOptRule> SIMPLIFY_AND_PUSH = List.of(
            CoreRules.FILTER_REDUCE_EXPRESSIONS,
            CoreRules.PROJECT_REDUCE_EXPRESSIONS,
            CoreRules.JOIN_REDUCE_EXPRESSIONS,
            CoreRules.FILTER_MERGE,
            CoreRules.FILTER_PROJECT_TRANSPOSE,
            CoreRules.FILTER_INTO_JOIN,
            CoreRules.JOIN_CONDITION_PUSH,
            CoreRules.JOIN_PUSH_EXPRESSIONS,
            CoreRules.FILTER_AGGREGATE_TRANSPOSE,
            CoreRules.FILTER_SET_OP_TRANSPOSE,
            CoreRules.PROJECT_MERGE,
            CoreRules.PROJECT_REMOVE,
            CoreRules.AGGREGATE_PROJECT_MERGE,
            CoreRules.AGGREGATE_FILTER_TO_CASE,
            CoreRules.UNION_TO_DISTINCT,
            CoreRules.INTERSECT_TO_DISTINCT,
            CoreRules.MINUS_TO_DISTINCT,
            PruneEmptyRules.FILTER_INSTANCE,
            PruneEmptyRules.PROJECT_INSTANCE,
            PruneEmptyRules.JOIN_LEFT_INSTANCE,
            PruneEmptyRules.JOIN_RIGHT_INSTANCE,
            PruneEmptyRules.AGGREGATE_INSTANCE,
            PruneEmptyRules.SORT_INSTANCE,
            PruneEmptyRules.UNION_INSTANCE);

    private static final List<RelOptRule> PUSH_AFTER_JOIN_ORDER = List.of(
            CoreRules.FILTER_MERGE,
            CoreRules.FILTER_PROJECT_TRANSPOSE,
            CoreRules.FILTER_INTO_JOIN,
            CoreRules.JOIN_CONDITION_PUSH,
            CoreRules.PROJECT_MERGE,
            CoreRules.PROJECT_REMOVE);

    private static final List<RelOptRule> TIDY = List.of(
            CoreRules.FILTER_PROJECT_TRANSPOSE,
            CoreRules.FILTER_MERGE,
            CoreRules.PROJECT_MERGE,
            CoreRules.PROJECT_REMOVE,
            CoreRules.AGGREGATE_PROJECT_MERGE);

    private Optimizer() {
    }

    /** The optimised form of {@code rel} (see the class comment for the phases). */
    public static RelNode optimize(RelNode rel, RelBuilder.Config relBuilderConfig) {
        return optimize(rel, relBuilderConfig, true);
    }

    /** As {@link #optimize(RelNode, RelBuilder.Config)}; joins keep their written order unless {@code reorderJoins}. */
    public static RelNode optimize(RelNode rel, RelBuilder.Config relBuilderConfig, boolean reorderJoins) {
        // Foreign-key join estimates (see NumbatRelMdRowCount) for join ordering and the physical planner.
        NumbatRelMdRowCount.install(rel);
        RelBuilder relBuilder = RelBuilder.proto(Contexts.of(relBuilderConfig)).create(rel.getCluster(), null);

        rel = hep(rel, program(HepMatchOrder.ARBITRARY, List.of(CoreRules.FILTER_SUB_QUERY_TO_CORRELATE,
                CoreRules.PROJECT_SUB_QUERY_TO_CORRELATE, CoreRules.JOIN_SUB_QUERY_TO_CORRELATE)));
        rel = RelDecorrelator.decorrelateQuery(rel, relBuilder);
        rel = dev.numbat.plan.rules.GroupingSetsExpander.expand(rel, relBuilder);
        rel = normalize(rel, relBuilder);

        if (hasExpandableDistinct(rel)) {
            rel = hep(rel, program(HepMatchOrder.ARBITRARY, List.of(CoreRules.AGGREGATE_EXPAND_DISTINCT_AGGREGATES)));
        }
        rel = hep(rel, program(HepMatchOrder.ARBITRARY, SIMPLIFY_AND_PUSH));

        if (reorderJoins && countJoins(rel) > 0) {
            HepProgram joinOrder = new HepProgramBuilder()
                    .addMatchOrder(HepMatchOrder.BOTTOM_UP)
                    .addRuleInstance(CoreRules.JOIN_TO_MULTI_JOIN)
                    .addRuleInstance(CoreRules.PROJECT_MULTI_JOIN_MERGE)
                    .addRuleInstance(CoreRules.FILTER_MULTI_JOIN_MERGE)
                    .addMatchOrder(HepMatchOrder.ARBITRARY)
                    .addRuleInstance(CoreRules.MULTI_JOIN_OPTIMIZE)
                    .build();
            rel = hep(rel, joinOrder);
            rel = hep(rel, program(HepMatchOrder.ARBITRARY, PUSH_AFTER_JOIN_ORDER));
        }

        rel = new RelFieldTrimmer(null, relBuilder).trim(rel);
        // After trimming, which prunes through a Project with RexOver but not through a Window.
        rel = hep(rel, program(HepMatchOrder.ARBITRARY, List.of(CoreRules.PROJECT_TO_LOGICAL_PROJECT_AND_WINDOW)));
        return hep(rel, program(HepMatchOrder.ARBITRARY, TIDY));
    }

    /**
     * Rewrites what SQL text produces and the later phases or the physical planner do not handle: common factors
     * of disjunctions pulled out ({@code (a = b AND x) OR (a = b AND y)} to {@code a = b AND (x OR y)}, so that
     * TPC-H Q19's join has an equi-key), and {@code LITERAL_AGG} calls (which removing {@code NOT IN} sub-queries
     * makes) computed as a projection of the literal above the aggregate.
     */
    private static RelNode normalize(RelNode rel, RelBuilder relBuilder) {
        List<RelNode> inputs = new ArrayList<>();
        boolean changed = false;
        for (RelNode input : rel.getInputs()) {
            RelNode n = normalize(input, relBuilder);
            changed |= n != input;
            inputs.add(n);
        }
        if (changed) {
            rel = rel.copy(rel.getTraitSet(), inputs);
        }
        RexBuilder rexBuilder = rel.getCluster().getRexBuilder();
        if (rel instanceof Filter filter) {
            RexNode condition = RexUtil.pullFactors(rexBuilder, filter.getCondition());
            if (!condition.equals(filter.getCondition())) {
                rel = filter.copy(filter.getTraitSet(), filter.getInput(), condition);
            }
        } else if (rel instanceof Join join) {
            RexNode condition = RexUtil.pullFactors(rexBuilder, join.getCondition());
            if (!condition.equals(join.getCondition())) {
                rel = join.copy(join.getTraitSet(), condition, join.getLeft(), join.getRight(), join.getJoinType(),
                        join.isSemiJoinDone());
            }
        } else if (rel instanceof Aggregate agg && agg.getGroupType() == Aggregate.Group.SIMPLE
                && agg.getAggCallList().stream().anyMatch(c -> c.getAggregation().getKind() == SqlKind.LITERAL_AGG)) {
            List<AggregateCall> kept = new ArrayList<>();
            for (AggregateCall call : agg.getAggCallList()) {
                if (call.getAggregation().getKind() != SqlKind.LITERAL_AGG) {
                    kept.add(call);
                }
            }
            int groups = agg.getGroupCount();
            RelNode reduced = agg.copy(agg.getTraitSet(), agg.getInput(), agg.getGroupSet(), null, kept);
            relBuilder.push(reduced);
            List<RexNode> exprs = new ArrayList<>();
            for (int i = 0; i < groups; i++) {
                exprs.add(relBuilder.field(i));
            }
            int k = 0;
            for (AggregateCall call : agg.getAggCallList()) {
                if (call.getAggregation().getKind() == SqlKind.LITERAL_AGG) {
                    exprs.add(rexBuilder.ensureType(call.getType(), call.rexList.get(0), true));
                } else {
                    exprs.add(relBuilder.field(groups + k++));
                }
            }
            rel = relBuilder.project(exprs, agg.getRowType().getFieldNames(), true).build();
        }
        return rel;
    }

    private static HepProgram program(HepMatchOrder order, List<RelOptRule> rules) {
        return new HepProgramBuilder().addMatchOrder(order).addRuleCollection(rules).build();
    }

    private static RelNode hep(RelNode rel, HepProgram program) {
        HepPlanner planner = new HepPlanner(program, rel.getCluster().getPlanner().getContext());
        planner.setRoot(rel);
        return planner.findBestExp();
    }

    private static int countJoins(RelNode rel) {
        int n = rel instanceof Join ? 1 : 0;
        for (RelNode input : rel.getInputs()) {
            n += countJoins(input);
        }
        return n;
    }

    /** True when some aggregate has a DISTINCT call the hash aggregate cannot compute as is. */
    private static boolean hasExpandableDistinct(RelNode rel) {
        if (rel instanceof Aggregate agg) {
            for (AggregateCall call : agg.getAggCallList()) {
                if (call.isDistinct() && !(call.getAggregation().getKind() == SqlKind.COUNT
                        && call.getArgList().size() == 1)) {
                    return true;
                }
            }
        }
        for (RelNode input : rel.getInputs()) {
            if (hasExpandableDistinct(input)) {
                return true;
            }
        }
        return false;
    }
}
