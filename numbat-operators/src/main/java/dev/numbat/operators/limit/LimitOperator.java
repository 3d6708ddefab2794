package dev.numbat.operators.limit;

import dev.numbat.core.batch.Batches;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import java.io.Serial;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * OFFSET o LIMIT n over the rows in the order they arrive: skips the first {@code o} rows, passes the next
 * {@code n}, and closes every batch after that as soon as it arrives. Batches wholly inside the window are
 * passed on as they are; a batch straddling an edge is cut with a zero-copy {@link Batches#slice}.
 *
 * <p>The count is per channel, so a planner runs a global limit on one channel (after a single-channel edge,
 * or after a {@link TopKOperator} per channel for ORDER BY ... LIMIT). The SPI has no way yet to tell upstream
 * to stop producing; once the limit is reached the cost of later input is only that of closing it.
 */
public final class LimitOperator implements Operator {
    /** The limit that means "no limit" (OFFSET only). */
    public static final long NO_LIMIT = Long.MAX_VALUE;

    private long toSkip;
    private long remaining;
    private BufferAllocator allocator;

    public LimitOperator(long offset, long limit) {
        checkArguments(offset, limit);
        this.toSkip = offset;
        this.remaining = limit;
    }

    private static void checkArguments(long offset, long limit) {
        if (offset < 0 || limit < 0) {
            throw new IllegalArgumentException("offset and limit must be >= 0: " + offset + ", " + limit);
        }
    }

    /** A factory for LIMIT {@code limit}. */
    public static Factory factory(long limit) {
        return new Factory(0, limit);
    }

    /** A factory for OFFSET {@code offset} LIMIT {@code limit} (use {@link #NO_LIMIT} for OFFSET alone). */
    public static Factory factory(long offset, long limit) {
        return new Factory(offset, limit);
    }

    @Override
    public void open(OperatorContext context) {
        allocator = context.allocator();
    }

    /** True once the limit is reached: every further batch is dropped. */
    public boolean isDone() {
        return remaining == 0;
    }

    @Override
    public void process(int input, VectorSchemaRoot batch, Emitter out) {
        int rows = batch.getRowCount();
        if (remaining == 0 || rows == 0) {
            batch.close();
            return;
        }
        int skip = (int) Math.min(toSkip, rows);
        toSkip -= skip;
        int take = (int) Math.min(rows - skip, remaining);
        remaining -= take;
        if (take == 0) {
            batch.close();
        } else if (take == rows) {
            out.emit(batch);
        } else {
            VectorSchemaRoot part;
            try {
                part = Batches.slice(batch, skip, take, allocator);
            } finally {
                batch.close();
            }
            out.emit(part);
        }
    }

    /** Creates {@link LimitOperator}s; serializable configuration only. */
    public static final class Factory implements OperatorFactory {
        @Serial
        private static final long serialVersionUID = 1L;

        private final long offset;
        private final long limit;

        public Factory(long offset, long limit) {
            checkArguments(offset, limit);
            this.offset = offset;
            this.limit = limit;
        }

        public long offset() {
            return offset;
        }

        public long limit() {
            return limit;
        }

        @Override
        public Operator create(int channel) {
            return new LimitOperator(offset, limit);
        }

        @Override
        public Schema outputSchema(List<Schema> inputSchemas) {
            return inputSchemas.get(0);
        }

        @Override
        public String name() {
            return "limit";
        }

        @Override
        public String toString() {
            return "Limit offset " + offset + (limit == NO_LIMIT ? "" : " limit " + limit);
        }
    }
}
