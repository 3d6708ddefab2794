package dev.numbat.bench.tpch;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import io.trino.tpch.TpchTable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * One TPC-H table generated at a scale factor by io.trino.tpch (which reproduces dbgen's rows), read as Arrow
 * batches with the specification's types ({@link TpchTables}). Splits are the generator's parts, so channels
 * generate disjoint, reproducible slices in parallel; reading the splits in order yields the rows in dbgen's
 * order.
 *
 * <p>Memory: the generator keeps a 300 MB text pool on the Java heap (built once per JVM on first use of a
 * table with comments, in about a second); batches are off heap in the caller's allocator.
 */
public final class TpchSource implements Source {
    private static final long serialVersionUID = 1L;

    /** Rows per batch by default: large enough to amortise per-batch work, small enough to pipeline. */
    public static final int DEFAULT_BATCH_ROWS = 1 << 16;

    /**
     * The fewest generator units (orders for lineitem, parts for partsupp, rows otherwise) a split gets: a part
     * is cheap to start (the generator jumps its random streams ahead), so even small tables divide among a few
     * channels, but not into slivers.
     */
    static final long MIN_UNITS_PER_SPLIT = 1024;

    private final String table;
    private final double scaleFactor;
    private final int batchRows;

    public TpchSource(String table, double scaleFactor) {
        this(table, scaleFactor, DEFAULT_BATCH_ROWS);
    }

    public TpchSource(TpchTable<?> table, double scaleFactor) {
        this(Objects.requireNonNull(table, "table").getTableName(), scaleFactor, DEFAULT_BATCH_ROWS);
    }

    public TpchSource(String table, double scaleFactor, int batchRows) {
        TpchTables.checkName(table);
        TpchTables.checkScaleFactor(scaleFactor);
        if (batchRows < 1) {
            throw NumbatException.userError("batch rows must be positive, was %s", batchRows);
        }
        this.table = table;
        this.scaleFactor = scaleFactor;
        this.batchRows = batchRows;
    }

    public String table() {
        return table;
    }

    public double scaleFactor() {
        return scaleFactor;
    }

    public int batchRows() {
        return batchRows;
    }

    @Override
    public Schema schema() {
        return TpchTables.schema(table);
    }

    /**
     * {@code min(targetSplits, units / 1024)} parts, at least one; nation and region are always one split
     * (their generators have no parts).
     */
    @Override
    public List<Split> splits(int targetSplits) {
        if (targetSplits < 1) {
            throw NumbatException.userError("target splits must be positive, was %s", targetSplits);
        }
        long units = TpchTables.generatorUnits(table, scaleFactor);
        int parts = (int) Math.max(1, Math.min(targetSplits, units / MIN_UNITS_PER_SPLIT));
        if (table.equals("nation") || table.equals("region")) {
            parts = 1;
        }
        long rows = TpchTables.estimatedRowCount(table, scaleFactor);
        long bytesPerRow = estimatedBytesPerRow(table, schema());
        List<Split> splits = new ArrayList<>(parts);
        for (int part = 1; part <= parts; part++) {
            // Same arithmetic as the generator's GenerateUtils.calculateRowCount: the last part takes the rest.
            long partRows = rows / parts + (part == parts ? rows % parts : 0);
            splits.add(new TpchSplit(table, scaleFactor, part, parts, partRows, partRows * bytesPerRow));
        }
        return splits;
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        Objects.requireNonNull(allocator, "allocator");
        if (!(split instanceof TpchSplit s) || !s.table().equals(table) || s.scaleFactor() != scaleFactor) {
            throw NumbatException.userError("split %s does not belong to %s",
                    split == null ? null : split.describe(), describe());
        }
        return new TpchSplitReader<>(table, schema(), TpchTables.table(table), s, batchRows, allocator);
    }

    @Override
    public String describe() {
        return "tpch(" + table + ", sf=" + scaleFactor + ")";
    }

    @Override
    public String toString() {
        return describe();
    }

    /** Fixed widths plus half the specification's maximum text length (with its 4-byte offset). */
    private static long estimatedBytesPerRow(String table, Schema schema) {
        long bytes = 0;
        for (Field f : schema.getFields()) {
            ArrowType t = f.getType();
            if (t instanceof ArrowType.Int i) {
                bytes += i.getBitWidth() / 8;
            } else if (t instanceof ArrowType.Decimal) {
                bytes += 16;
            } else if (t instanceof ArrowType.Date) {
                bytes += 4;
            } else {
                bytes += 4 + TpchSplitReader.maxTextLength(table, f.getName()) / 2;
            }
        }
        return bytes;
    }
}
