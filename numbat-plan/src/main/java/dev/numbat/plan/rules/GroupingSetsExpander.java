package dev.numbat.plan.rules;

import java.util.ArrayList;
import java.util.List;
import org.apache.calcite.rel.RelHomogeneousShuttle;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Aggregate;
import org.apache.calcite.rel.core.AggregateCall;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeField;
import org.apache.calcite.rex.RexBuilder;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.sql.SqlKind;
import org.apache.calcite.tools.RelBuilder;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Lowers GROUPING SETS, ROLLUP and CUBE into a UNION ALL of one plain aggregate per grouping set: keys not
 * in a set become typed NULLs, and GROUPING(...) / GROUPING_ID(...) calls become the set's constant. The
 * hash aggregate then only ever sees simple GROUP BYs.
 */
public final class GroupingSetsExpander extends RelHomogeneousShuttle {
    private final RelBuilder builder;

    private GroupingSetsExpander(RelBuilder builder) {
        this.builder = builder;
    }

    public static RelNode expand(RelNode rel, RelBuilder builder) {
        return rel.accept(new GroupingSetsExpander(builder));
    }

    @Override
    public RelNode visit(RelNode other) {
        RelNode rel = super.visit(other);
        if (rel instanceof Aggregate agg && agg.getGroupType() != Aggregate.Group.SIMPLE) {
            return lower(agg);
        }
        return rel;
    }

    private RelNode lower(Aggregate agg) {
        RexBuilder rex = agg.getCluster().getRexBuilder();
        List<Integer> keys = agg.getGroupSet().asList();
        List<RelDataTypeField> outFields = agg.getRowType().getFieldList();
        List<AggregateCall> plainCalls = new ArrayList<>();
        for (AggregateCall call : agg.getAggCallList()) {
            if (!isGrouping(call)) {
                plainCalls.add(call);
            }
        }
        for (ImmutableBitSet set : agg.getGroupSets()) {
            builder.push(agg.getInput());
            builder.aggregate(builder.groupKey(set), plainCalls);
            RelNode one = builder.peek();
            List<RexNode> exprs = new ArrayList<>();
            int at = 0;
            for (int k = 0; k < keys.size(); k++) {
                RelDataType type = outFields.get(k).getType();
                if (set.get(keys.get(k))) {
                    exprs.add(rex.makeCast(type, builder.field(at++), true, false));
                } else {
                    exprs.add(rex.makeNullLiteral(type));
                }
            }
            int plain = set.cardinality();
            for (int c = 0; c < agg.getAggCallList().size(); c++) {
                AggregateCall call = agg.getAggCallList().get(c);
                RelDataType type = outFields.get(keys.size() + c).getType();
                if (isGrouping(call)) {
                    // Bit i is 1 when the call's i-th argument is not grouped in this set (SQL's GROUPING).
                    long value = 0;
                    for (int arg : call.getArgList()) {
                        value = (value << 1) | (set.get(arg) ? 0 : 1);
                    }
                    exprs.add(rex.makeExactLiteral(java.math.BigDecimal.valueOf(value), type));
                } else {
                    exprs.add(rex.makeCast(type, builder.field(plain++), true, false));
                }
            }
            builder.project(exprs, agg.getRowType().getFieldNames(), true);
            assert one != null;
        }
        return builder.union(true, agg.getGroupSets().size()).build();
    }

    private static boolean isGrouping(AggregateCall call) {
        SqlKind kind = call.getAggregation().getKind();
        return kind == SqlKind.GROUPING || kind == SqlKind.GROUPING_ID || kind == SqlKind.GROUP_ID;
    }
}
