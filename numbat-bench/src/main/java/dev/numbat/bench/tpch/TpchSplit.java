package dev.numbat.bench.tpch;

import dev.numbat.core.source.Split;

/**
 * Part {@code part} (1-based, as io.trino.tpch counts) of {@code partCount} of one generated TPC-H table. The
 * generator makes the same rows for a part on any machine, so a lost split is re-read by generating it again.
 */
public record TpchSplit(String table, double scaleFactor, int part, int partCount, long estimatedRows,
                        long sizeBytes) implements Split {

    public TpchSplit {
        TpchTables.checkName(table);
        TpchTables.checkScaleFactor(scaleFactor);
        if (partCount < 1 || part < 1 || part > partCount) {
            throw new IllegalArgumentException("part " + part + " of " + partCount);
        }
        if (partCount > 1 && (table.equals("nation") || table.equals("region"))) {
            // Their generators return no rows at all for a part count other than 1.
            throw new IllegalArgumentException(table + " cannot be split, asked for " + partCount + " parts");
        }
    }

    @Override
    public String describe() {
        return "tpch(" + table + ", sf=" + scaleFactor + ") part " + part + "/" + partCount;
    }
}
