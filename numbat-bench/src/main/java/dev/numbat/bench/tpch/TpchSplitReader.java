package dev.numbat.bench.tpch;

import java.util.Iterator;
import java.util.List;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.SplitReader;
import io.trino.tpch.TpchColumn;
import io.trino.tpch.TpchEntity;
import io.trino.tpch.TpchTable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/** Pulls one generator part into batches of up to {@code batchRows} rows. Not thread-safe. */
final class TpchSplitReader<E extends TpchEntity> implements SplitReader {
    private final Schema schema;
    private final BufferAllocator allocator;
    private final int batchRows;
    private final Iterator<E> rows;
    private final TpchRowWriter<E> writer;
    /** Initial data-buffer bytes per row for each column (0 for fixed-width ones). */
    private final int[] textBytesPerRow;
    private boolean closed;

    @SuppressWarnings("unchecked")
    TpchSplitReader(String table, Schema schema, TpchTable<E> generator, TpchSplit split, int batchRows,
                    BufferAllocator allocator) {
        this.schema = schema;
        this.allocator = allocator;
        this.batchRows = batchRows;
        this.rows = generator.createGenerator(split.scaleFactor(), split.part(), split.partCount()).iterator();
        this.writer = (TpchRowWriter<E>) TpchRowWriter.forTable(table);
        this.textBytesPerRow = new int[schema.getFields().size()];
        for (int i = 0; i < textBytesPerRow.length; i++) {
            // Three quarters of the maximum length: most batches then never grow a text buffer.
            textBytesPerRow[i] = Math.max(1, maxTextLength(table, schema.getFields().get(i).getName()) * 3 / 4);
        }
    }

    @Override
    public VectorSchemaRoot next() {
        if (closed) {
            throw new IllegalStateException("reader is closed");
        }
        if (!rows.hasNext()) {
            return null;
        }
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        try {
            List<FieldVector> vectors = root.getFieldVectors();
            for (int i = 0; i < vectors.size(); i++) {
                FieldVector v = vectors.get(i);
                if (v instanceof VarCharVector text) {
                    text.allocateNew((long) textBytesPerRow[i] * batchRows, batchRows);
                } else {
                    ((BaseFixedWidthVector) v).allocateNew(batchRows);
                }
            }
            writer.bind(root);
            int n = 0;
            while (n < batchRows && rows.hasNext()) {
                writer.write(n++, rows.next());
            }
            root.setRowCount(n);
            return root;
        } catch (RuntimeException | Error e) {
            root.close();
            if (e instanceof NumbatException) {
                throw e;
            }
            throw NumbatException.internal("generating TPC-H data failed", e);
        }
    }

    @Override
    public void close() {
        closed = true;
    }

    /** The specification's maximum length of a text column (from the generator's type), 0 for other columns. */
    static int maxTextLength(String table, String column) {
        TpchColumn<?> c = TpchTables.table(table).getColumn(column);
        return c.getType().getPrecision().map(Long::intValue).orElse(0);
    }
}
