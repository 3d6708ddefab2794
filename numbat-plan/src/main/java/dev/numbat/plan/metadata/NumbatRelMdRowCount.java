package dev.numbat.plan.metadata;

import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.core.Join;
import org.apache.calcite.rel.core.JoinInfo;
import org.apache.calcite.rel.core.JoinRelType;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.ChainedRelMetadataProvider;
import org.apache.calcite.rel.metadata.DefaultRelMetadataProvider;
import org.apache.calcite.rel.metadata.JaninoRelMetadataProvider;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.ReflectiveRelMetadataProvider;
import org.apache.calcite.rel.metadata.RelColumnOrigin;
import org.apache.calcite.rel.metadata.RelMdUtil;
import org.apache.calcite.rel.metadata.RelMetadataProvider;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexUtil;

/**
 * Join output estimates under the foreign-key assumption, for join ordering and build-side choice.
 *
 * <p>Calcite's default estimate of an equi-join is {@code left * right * 0.15}, which takes every foreign-key
 * join (lineitem to orders) for a many-to-many one, so a greedy join orderer avoids the joins that shrink the
 * data and a planner builds hash tables on the wrong side. Here an inner equi-join outputs
 * {@code left * right / keyDomain} rows, where {@code keyDomain} is, for the most selective key pair, the row
 * count of the smaller of the two tables the keys come from (the key of the smaller table is taken to be its
 * primary key, which the other side's key references). A filtered dimension thus shrinks the fact side by the
 * filter's selectivity, and {@code lineitem ⋈ orders} keeps lineitem's rows. Where the key columns' statistics
 * give distinct counts, the domain is at most the product over key pairs of the smaller distinct count (so a
 * join on a key of small domain, or on a non-key column, is not taken for a foreign-key join; a composite key
 * such as partsupp's keeps its table's rows). When the key origins are unknown (computed keys) the domain is
 * {@code min(left, right)}, that is, the output is about {@code max(left, right)}.
 * Conditions other than column equalities multiply by Calcite's guessed selectivity. Outer joins output at
 * least their preserved side; semi and anti joins and everything else keep Calcite's estimates.
 */
public final class NumbatRelMdRowCount implements MetadataHandler<BuiltInMetadata.RowCount> {
    /**
     * Numbat's row counts, selectivities ({@link NumbatRelMdSelectivity}) and distinct counts
     * ({@link NumbatRelMdDistinctRowCount}) in front of Calcite's defaults.
     */
    public static final RelMetadataProvider PROVIDER = ChainedRelMetadataProvider.of(List.of(
            ReflectiveRelMetadataProvider.reflectiveSource(new NumbatRelMdRowCount(),
                    BuiltInMetadata.RowCount.Handler.class),
            ReflectiveRelMetadataProvider.reflectiveSource(NumbatRelMdSelectivity.INSTANCE,
                    BuiltInMetadata.Selectivity.Handler.class),
            ReflectiveRelMetadataProvider.reflectiveSource(NumbatRelMdDistinctRowCount.INSTANCE,
                    BuiltInMetadata.DistinctRowCount.Handler.class),
            DefaultRelMetadataProvider.INSTANCE));

    private static final JaninoRelMetadataProvider HANDLERS = JaninoRelMetadataProvider.of(PROVIDER);

    private NumbatRelMdRowCount() {
    }

    /** Makes the clusters of {@code rel}'s nodes answer metadata queries with {@link #PROVIDER}. */
    public static void install(RelNode rel) {
        Map<RelOptCluster, Boolean> clusters = new IdentityHashMap<>();
        collect(rel, clusters, java.util.Collections.newSetFromMap(new IdentityHashMap<>()));
        for (RelOptCluster cluster : clusters.keySet()) {
            if (cluster.getMetadataProvider() != PROVIDER) {
                cluster.setMetadataProvider(PROVIDER);
                cluster.setMetadataQuerySupplier(() -> new RelMetadataQuery(HANDLERS));
                cluster.invalidateMetadataQuery();
            }
        }
    }

    private static void collect(RelNode rel, Map<RelOptCluster, Boolean> clusters, Set<RelNode> seen) {
        if (!seen.add(rel)) {
            return;
        }
        clusters.put(rel.getCluster(), Boolean.TRUE);
        for (RelNode input : rel.getInputs()) {
            collect(input, clusters, seen);
        }
    }

    @Override
    public MetadataDef<BuiltInMetadata.RowCount> getDef() {
        return BuiltInMetadata.RowCount.DEF;
    }

    /** See the class comment. */
    public Double getRowCount(Join join, RelMetadataQuery mq) {
        JoinRelType type = join.getJoinType();
        if (type == JoinRelType.SEMI || type == JoinRelType.ANTI) {
            return RelMdUtil.getJoinRowCount(mq, join, join.getCondition());
        }
        Double leftRows = mq.getRowCount(join.getLeft());
        Double rightRows = mq.getRowCount(join.getRight());
        if (leftRows == null || rightRows == null) {
            return null;
        }
        JoinInfo info = join.analyzeCondition();
        List<Integer> leftKeys = info.leftKeys;
        List<Integer> rightKeys = info.rightKeys;
        double residualSelectivity = info.nonEquiConditions.isEmpty() ? 1.0
                : RelMdUtil.guessSelectivity(RexUtil.composeConjunction(join.getCluster().getRexBuilder(),
                        info.nonEquiConditions));
        double inner;
        if (leftKeys.isEmpty()) {
            inner = leftRows * rightRows * residualSelectivity;
        } else {
            double domain = 0;
            double distinctDomain = 1;
            for (int i = 0; i < leftKeys.size(); i++) {
                double left = originRows(mq, join.getLeft(), leftKeys.get(i), leftRows);
                double right = originRows(mq, join.getRight(), rightKeys.get(i), rightRows);
                domain = Math.max(domain, Math.min(left, right));
                distinctDomain *= Math.min(originDistinct(mq, join.getLeft(), leftKeys.get(i), left),
                        originDistinct(mq, join.getRight(), rightKeys.get(i), right));
            }
            domain = Math.max(1, Math.min(domain, distinctDomain));
            inner = Math.min(leftRows * rightRows, leftRows * rightRows / domain) * residualSelectivity;
        }
        double rows = switch (type) {
            case LEFT -> Math.max(leftRows, inner);
            case RIGHT -> Math.max(rightRows, inner);
            case FULL -> Math.max(leftRows + rightRows - Math.min(leftRows, rightRows), inner);
            default -> inner;
        };
        return Math.max(1.0, rows);
    }

    /**
     * The distinct count of the table column {@code column} comes from when its statistics give one, else
     * {@code otherwise}.
     */
    private static double originDistinct(RelMetadataQuery mq, RelNode input, int column, double otherwise) {
        RelColumnOrigin origin = mq.getColumnOrigin(input, column);
        if (origin == null || origin.isDerived()) {
            return otherwise;
        }
        NumbatRelMdSelectivity.Column stats = NumbatRelMdSelectivity.column(origin.getOriginTable(),
                origin.getOriginColumnOrdinal(),
                input.getRowType().getFieldList().get(column).getType().getSqlTypeName());
        return stats != null && stats.stats().hasDistinctCount() ? stats.stats().distinctCount() : otherwise;
    }

    /** The row count of the table column {@code column} comes from, or {@code rows} when it has no single origin. */
    private static double originRows(RelMetadataQuery mq, RelNode input, int column, double rows) {
        Set<RelColumnOrigin> origins = mq.getColumnOrigins(input, column);
        if (origins == null || origins.size() != 1) {
            return rows;
        }
        RelColumnOrigin origin = origins.iterator().next();
        if (origin.isDerived()) {
            return rows;
        }
        double tableRows = origin.getOriginTable().getRowCount();
        return tableRows > 0 ? Math.max(tableRows, rows) : rows;
    }
}
