package dev.numbat.plan.catalog;

import java.util.Map;

/**
 * Statistics of a table: its (estimated) row count and what is known about its columns, by column name.
 * Columns without statistics are absent. See {@link TableStatsCollector} for where the figures come from.
 *
 * @param rowCount the (estimated) number of rows
 * @param exact true when the row count is exact (Parquet footers), false when estimated (a sample)
 * @param columns statistics by column name
 */
public record TableStats(double rowCount, boolean exact, Map<String, ColumnStats> columns) {
    public TableStats {
        columns = Map.copyOf(columns);
    }

    /** The statistics of {@code column}, or {@code null} when there are none. */
    public ColumnStats column(String column) {
        return columns.get(column);
    }
}
