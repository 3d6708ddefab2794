package dev.numbat.operators.sort;

import dev.numbat.operators.common.KeyValues;
import dev.numbat.operators.common.RowAddressGather;
import dev.numbat.core.NumbatException;
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
 * ORDER BY: holds every input batch (moved into the channel's allocator), reads the key columns once into
 * primitive arrays as the batches arrive, and in {@link #finish} sorts the row ids with a stable merge sort and
 * emits the rows in key order, gathered into batches of at most {@code outputBatchRows} rows. Rows with equal
 * keys keep their arrival order. One input (ordinal 0); the output schema is the input's.
 *
 * <p>A sort over several channels sorts each channel's share; a planner puts it after a range partitioning
 * (then the channels' outputs in channel order are sorted) or after a single-channel edge. Spilling to disk when
 * the memory budget runs out is not done yet.
 */
public final class SortOperator implements Operator {
    /** The most rows an output batch holds unless configured otherwise. */
    public static final int DEFAULT_OUTPUT_BATCH_ROWS = 65_536;

    private final List<SortKey> keys;
    private final int outputBatchRows;
    private BufferAllocator allocator;
    private SortBuffer buffer;

    public SortOperator(List<SortKey> keys, int outputBatchRows) {
        this.keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
        if (this.keys.isEmpty()) {
            throw new IllegalArgumentException("a sort needs at least one key");
        }
        if (outputBatchRows <= 0) {
            throw new IllegalArgumentException("outputBatchRows must be positive: " + outputBatchRows);
        }
        this.outputBatchRows = outputBatchRows;
    }

    /** A factory for ORDER BY {@code keys}. */
    public static Factory factory(List<SortKey> keys) {
        return new Factory(keys, DEFAULT_OUTPUT_BATCH_ROWS);
    }

    /** A factory for ORDER BY {@code keys}. */
    public static Factory factory(SortKey... keys) {
        return factory(List.of(keys));
    }

    @Override
    public void open(OperatorContext context) {
        allocator = context.allocator();
        buffer = new SortBuffer(keys);
    }

    @Override
    public void process(int input, VectorSchemaRoot batch, Emitter out) {
        if (batch.getRowCount() == 0) {
            batch.close();
            return;
        }
        buffer.append(Batches.transfer(batch, allocator));
    }

    @Override
    public void finish(int input, Emitter out) {
        try {
            emitSorted(buffer, buffer.sortedIds(), 0, buffer.size(), outputBatchRows, allocator, out);
        } finally {
            buffer.clear();
        }
    }

    /** Emits rows {@code ids[from .. to)} of {@code buffer}, in that order, in batches of at most {@code max}. */
    static void emitSorted(SortBuffer buffer, int[] ids, int from, int to, int max, BufferAllocator allocator,
                           Emitter out) {
        if (from >= to) {
            return;
        }
        Schema schema = buffer.schema();
        RowAddressGather.Source[] columns = RowAddressGather.Source.ofColumns(buffer.batches(),
                schema.getFields().size());
        long[] addresses = new long[Math.min(max, to - from)];
        for (int start = from; start < to; start += max) {
            int n = Math.min(max, to - start);
            for (int i = 0; i < n; i++) {
                addresses[i] = buffer.address(ids[start + i]);
            }
            out.emit(RowAddressGather.gather(schema, columns, addresses, 0, n, allocator));
        }
    }

    @Override
    public void close() {
        if (buffer != null) {
            buffer.close();
            buffer = null;
        }
    }

    /** Creates {@link SortOperator}s; serializable configuration only. */
    public static final class Factory implements OperatorFactory {
        @Serial
        private static final long serialVersionUID = 1L;

        private final List<SortKey> keys;
        private final int outputBatchRows;

        public Factory(List<SortKey> keys, int outputBatchRows) {
            this.keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
            if (this.keys.isEmpty()) {
                throw new IllegalArgumentException("a sort needs at least one key");
            }
            if (outputBatchRows <= 0) {
                throw new IllegalArgumentException("outputBatchRows must be positive: " + outputBatchRows);
            }
            this.outputBatchRows = outputBatchRows;
        }

        public List<SortKey> keys() {
            return keys;
        }

        public int outputBatchRows() {
            return outputBatchRows;
        }

        /** The same sort with output batches of at most {@code rows} rows. */
        public Factory withOutputBatchRows(int rows) {
            return new Factory(keys, rows);
        }

        @Override
        public Operator create(int channel) {
            return new SortOperator(keys, outputBatchRows);
        }

        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            Schema in = inputSchemas.get(0);
            for (SortKey k : keys) {
                if (k.column() >= in.getFields().size()) {
                    throw NumbatException.userError("sort key %s is outside the %d columns of %s",
                            k, in.getFields().size(), in);
                }
            }
            return in;
        }

        @Override
        public String name() {
            return "sort";
        }

        @Override
        public String toString() {
            return "Sort" + keys;
        }
    }
}
