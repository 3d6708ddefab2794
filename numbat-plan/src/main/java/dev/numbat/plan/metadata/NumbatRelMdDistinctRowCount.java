package dev.numbat.plan.metadata;

import org.apache.calcite.rel.core.TableScan;
import org.apache.calcite.rel.metadata.BuiltInMetadata;
import org.apache.calcite.rel.metadata.MetadataDef;
import org.apache.calcite.rel.metadata.MetadataHandler;
import org.apache.calcite.rel.metadata.RelMdUtil;
import org.apache.calcite.rel.metadata.RelMetadataQuery;
import org.apache.calcite.rex.RexNode;
import org.apache.calcite.util.ImmutableBitSet;

/**
 * Distinct counts of table columns from their statistics ({@link dev.numbat.plan.catalog.ColumnStats#distinctCount}),
 * which Calcite's handlers carry up through projections and filters, so that aggregates on such columns get
 * row estimates. Several columns multiply their counts, capped at the rows; a predicate scales the result as
 * Calcite does ({@link RelMdUtil#numDistinctVals}). Without counts for every column, the answer is the row
 * count for keys known unique, else unknown (Calcite's guess), as Calcite's default.
 */
public final class NumbatRelMdDistinctRowCount implements MetadataHandler<BuiltInMetadata.DistinctRowCount> {
    static final NumbatRelMdDistinctRowCount INSTANCE = new NumbatRelMdDistinctRowCount();

    private NumbatRelMdDistinctRowCount() {
    }

    @Override
    public MetadataDef<BuiltInMetadata.DistinctRowCount> getDef() {
        return BuiltInMetadata.DistinctRowCount.DEF;
    }

    public Double getDistinctRowCount(TableScan scan, RelMetadataQuery mq, ImmutableBitSet groupKey,
            RexNode predicate) {
        if (groupKey.isEmpty()) {
            return 1.0;
        }
        Double rows = mq.getRowCount(scan);
        if (rows == null) {
            return null;
        }
        double selected = rows * NumbatRelMdSelectivity.estimate(scan, mq, predicate);
        double product = 1;
        for (int column : groupKey) {
            NumbatRelMdSelectivity.Column c = NumbatRelMdSelectivity.column(scan.getTable(), column,
                    scan.getRowType().getFieldList().get(column).getType().getSqlTypeName());
            if (c == null || !c.stats().hasDistinctCount()) {
                product = -1;
                break;
            }
            product = Math.min(rows, product * c.stats().distinctCount());
        }
        if (product > 0) {
            return RelMdUtil.numDistinctVals(product, selected);
        }
        if (RelMdUtil.areColumnsDefinitelyUnique(mq, scan, groupKey)) {
            return selected;
        }
        return null;
    }
}
