package dev.numbat.operators.sort;

import dev.numbat.operators.common.KeyValues;
import dev.numbat.operators.common.RowAddressGather;
import dev.numbat.core.batch.Batches;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import java.io.Serial;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * ORDER BY ... OFFSET o LIMIT n without sorting the whole input: it keeps at most {@code k = o + n} rows plus
 * what arrived since the last compaction.
 *
 * <p>Batches are buffered as for a sort. When the buffer reaches {@code max(2k, k + 65536)} rows it is
 * <em>compacted</em>: sorted, and its best {@code k} rows gathered into one batch that replaces the others.
 * After a compaction the {@code k}-th row is a threshold: rows of a new batch that do not sort strictly before it
 * can never be in the result and are dropped as the batch arrives (a whole batch at once when none survives),
 * so with a small {@code k} nearly all input is rejected after one key comparison per row. The output is exactly
 * that of {@link SortOperator} followed by {@link LimitOperator}, ties included (both are stable).
 */
public final class TopKOperator implements Operator {
    /** Keep at most this many rows: above, a sort followed by a limit is the better plan. */
    public static final long MAX_ROWS = 1L << 28;

    private final List<SortKey> keys;
    private final long offset;
    private final int keep;
    private final int compactAt;
    private final int outputBatchRows;
    private BufferAllocator allocator;
    private SortBuffer buffer;
    /** True when row ids {@code 0 .. keep} are the sorted best rows so far (so id {@code keep - 1} is the bar). */
    private boolean thresholdReady;

    public TopKOperator(List<SortKey> keys, long offset, long limit, int outputBatchRows) {
        this.keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
        checkArguments(this.keys, offset, limit, outputBatchRows);
        this.offset = offset;
        this.keep = (int) (offset + limit);
        this.compactAt = (int) Math.max(2L * keep, keep + 65_536L);
        this.outputBatchRows = outputBatchRows;
    }

    private static void checkArguments(List<SortKey> keys, long offset, long limit, int outputBatchRows) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("a top-k needs at least one key");
        }
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0: " + offset + ", " + limit);
        }
        if (offset + limit > MAX_ROWS || offset + limit < 0) {
            throw new IllegalArgumentException("a top-k keeps at most " + MAX_ROWS + " rows, not " + offset + " + "
                    + limit + "; use a sort and a limit");
        }
        if (outputBatchRows <= 0) {
            throw new IllegalArgumentException("outputBatchRows must be positive: " + outputBatchRows);
        }
    }

    /** A factory for ORDER BY {@code keys} LIMIT {@code limit}. */
    public static Factory factory(List<SortKey> keys, long limit) {
        return new Factory(keys, 0, limit, SortOperator.DEFAULT_OUTPUT_BATCH_ROWS);
    }

    /** A factory for ORDER BY {@code keys} OFFSET {@code offset} LIMIT {@code limit}. */
    public static Factory factory(List<SortKey> keys, long offset, long limit) {
        return new Factory(keys, offset, limit, SortOperator.DEFAULT_OUTPUT_BATCH_ROWS);
    }

    @Override
    public void open(OperatorContext context) {
        allocator = context.allocator();
        buffer = new SortBuffer(keys);
    }

    @Override
    public void process(int input, VectorSchemaRoot batch, Emitter out) {
        if (batch.getRowCount() == 0 || keep == 0) {
            batch.close();
            return;
        }
        int start = buffer.size();
        buffer.append(Batches.transfer(batch, allocator));
        if (thresholdReady) {
            dropRowsPastThreshold(start);
        }
        if (buffer.size() >= compactAt) {
            compact();
        }
    }

    /** Drops the rows of the last batch (ids {@code start ..}) that cannot beat row {@code keep - 1}. */
    private void dropRowsPastThreshold(int start) {
        int n = buffer.size() - start;
        int bar = keep - 1;
        int[] rows = new int[n];
        int count = 0;
        for (int i = 0; i < n; i++) {
            if (buffer.compare(start + i, bar) < 0) {
                rows[count++] = i;
            }
        }
        if (count == n) {
            return;
        }
        try (VectorSchemaRoot last = buffer.removeLast()) {
            if (count > 0) {
                buffer.append(Batches.gather(last, rows, count, allocator));
            }
        }
    }

    private void compact() {
        int[] ids = buffer.sortedIds();
        int n = Math.min(keep, buffer.size());
        long[] addresses = new long[n];
        for (int i = 0; i < n; i++) {
            addresses[i] = buffer.address(ids[i]);
        }
        VectorSchemaRoot best = RowAddressGather.gather(buffer.schema(), buffer.batches(), addresses, 0, n,
                allocator);
        buffer.clear();
        buffer.append(best);
        thresholdReady = n == keep;
    }

    @Override
    public void finish(int input, Emitter out) {
        try {
            int size = buffer.size();
            int from = (int) Math.min(offset, size);
            int to = Math.min(keep, size);
            if (from < to) {
                SortOperator.emitSorted(buffer, buffer.sortedIds(), from, to, outputBatchRows, allocator, out);
            }
        } finally {
            buffer.clear();
        }
    }

    @Override
    public void close() {
        if (buffer != null) {
            buffer.close();
            buffer = null;
        }
    }

    /** Creates {@link TopKOperator}s; serializable configuration only. */
    public static final class Factory implements OperatorFactory {
        @Serial
        private static final long serialVersionUID = 1L;

        private final List<SortKey> keys;
        private final long offset;
        private final long limit;
        private final int outputBatchRows;

        public Factory(List<SortKey> keys, long offset, long limit, int outputBatchRows) {
            this.keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
            checkArguments(this.keys, offset, limit, outputBatchRows);
            this.offset = offset;
            this.limit = limit;
            this.outputBatchRows = outputBatchRows;
        }

        public List<SortKey> keys() {
            return keys;
        }

        public long offset() {
            return offset;
        }

        public long limit() {
            return limit;
        }

        public int outputBatchRows() {
            return outputBatchRows;
        }

        public Factory withOutputBatchRows(int rows) {
            return new Factory(keys, offset, limit, rows);
        }

        @Override
        public Operator create(int channel) {
            return new TopKOperator(keys, offset, limit, outputBatchRows);
        }

        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            return new SortOperator.Factory(keys, outputBatchRows).outputSchema(inputSchemas);
        }

        @Override
        public String name() {
            return "top-k";
        }

        @Override
        public String toString() {
            return "TopK" + keys + " offset " + offset + " limit " + limit;
        }
    }
}
