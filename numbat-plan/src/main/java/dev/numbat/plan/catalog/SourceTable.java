package dev.numbat.plan.catalog;

import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.plan.types.ArrowCalciteTypes;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.calcite.rel.type.RelDataType;
import org.apache.calcite.rel.type.RelDataTypeFactory;
import org.apache.calcite.schema.Statistic;
import org.apache.calcite.schema.Statistics;
import org.apache.calcite.schema.impl.AbstractTable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Calcite table over a Numbat {@link Source}: its row type is the source's Arrow schema
 * ({@link ArrowCalciteTypes}), and its statistics give the row count the optimiser orders joins by and the
 * physical planner sizes exchanges by. Scans of it become source nodes of the task graph (the planner reads
 * the source back with {@link #source()}); Calcite never executes it.
 *
 * <p>Row count: as given at registration, else from the {@link #stats() statistics} (Parquet footers, cheap:
 * footers only; a CSV sample), else estimated from the splits' byte sizes and a guessed row width. Column
 * statistics feed {@code NumbatRelMdSelectivity} and {@code NumbatRelMdDistinctRowCount}.
 */
public final class SourceTable extends AbstractTable {
    private static final Logger LOG = LoggerFactory.getLogger(SourceTable.class);

    private final String name;
    private final Source source;
    private final Double givenRowCount;
    private final Integer channels;
    private volatile Statistic statistic;
    private volatile boolean statsComputed;
    private TableStats stats;

    SourceTable(String name, Source source, Double rowCount, Integer channels) {
        this.name = Objects.requireNonNull(name, "name");
        this.source = Objects.requireNonNull(source, "source");
        this.givenRowCount = rowCount;
        this.channels = channels;
    }

    /** The channel count the user asked for, or null to choose from the splits and the cluster size. */
    public Integer channels() {
        return channels;
    }

    public String name() {
        return name;
    }

    public Source source() {
        return source;
    }

    @Override
    public RelDataType getRowType(RelDataTypeFactory typeFactory) {
        return ArrowCalciteTypes.toRowType(source.schema(), typeFactory);
    }

    @Override
    public Statistic getStatistic() {
        Statistic s = statistic;
        if (s == null) {
            s = Statistics.of(rowCount(), List.of());
            statistic = s;
        }
        return s;
    }

    /** The (estimated) number of rows: as given at registration, else from {@link #stats()}, else from sizes. */
    public double rowCount() {
        if (givenRowCount != null) {
            return givenRowCount;
        }
        TableStats stats = stats();
        if (stats != null) {
            return stats.rowCount();
        }
        return estimateFromBytes(source);
    }

    /**
     * Row count and column statistics from Parquet footers or a CSV sample (see {@link TableStatsCollector}),
     * computed on first use and kept; {@code null} for other sources or when they cannot be read.
     */
    public TableStats stats() {
        if (!statsComputed) {
            synchronized (this) {
                if (!statsComputed) {
                    stats = TableStatsCollector.collect(source);
                    statsComputed = true;
                }
            }
        }
        return stats;
    }

    /** The statistics of {@code column}, or {@code null}. */
    public ColumnStats columnStats(String column) {
        TableStats s = stats();
        return s == null ? null : s.column(column);
    }

    private static double estimateFromBytes(Source source) {
        try {
            long bytes = 0;
            for (Split split : source.splits(1)) {
                bytes += split.sizeBytes();
            }
            return Math.max(1, bytes / (double) rowWidth(source.schema()));
        } catch (RuntimeException e) {
            LOG.debug("cannot size {} for statistics: {}", source.describe(), e.toString());
            return 1_000_000;
        }
    }

    private static int rowWidth(Schema schema) {
        int width = 0;
        for (Field f : schema.getFields()) {
            width += switch (f.getType().getTypeID()) {
                case Utf8, LargeUtf8, Binary, LargeBinary -> 24;
                case Bool -> 1;
                case Int -> ((org.apache.arrow.vector.types.pojo.ArrowType.Int) f.getType()).getBitWidth() / 8;
                case Decimal -> 16;
                default -> 8;
            };
        }
        return Math.max(1, width);
    }

    @Override
    public String toString() {
        return "SourceTable(" + name + ", " + source.describe() + ")";
    }
}
