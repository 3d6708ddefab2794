package dev.numbat.io.csv;

import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.Text;

/** Reads sources into plain Java rows for assertions. */
final class CsvTestSupport {
    private CsvTestSupport() {
    }

    static List<List<Object>> readAll(Source source, BufferAllocator allocator) {
        return read(source, source.splits(1), allocator);
    }

    static List<List<Object>> read(Source source, List<? extends Split> splits, BufferAllocator allocator) {
        List<List<Object>> rows = new ArrayList<>();
        for (Split split : splits) {
            try (SplitReader reader = source.open(split, allocator)) {
                VectorSchemaRoot batch;
                while ((batch = reader.next()) != null) {
                    try (VectorSchemaRoot b = batch) {
                        rows.addAll(rowsOf(b));
                    }
                }
            }
        }
        return rows;
    }

    static List<List<Object>> rowsOf(VectorSchemaRoot batch) {
        List<List<Object>> rows = new ArrayList<>();
        for (int r = 0; r < batch.getRowCount(); r++) {
            List<Object> row = new ArrayList<>();
            for (FieldVector v : batch.getFieldVectors()) {
                Object o = v.getObject(r);
                row.add(o instanceof Text t ? t.toString() : o);
            }
            rows.add(row);
        }
        return rows;
    }
}
