package dev.numbat.bench.scan;

import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import java.util.List;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.util.MemoryUtil;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The benchmark's sink: one instance per channel reads every byte of every buffer (validity, offsets, data)
 * of the chosen columns of every batch, and on finish emits a single row {@code (rows, bytes, checksum)}.
 *
 * <p>Why touch the buffers at all: a scan that only counts rows could be served by a reader that skips or
 * defers decoding; summing the buffers as 64-bit words makes every value that a consumer would read be
 * materialised, at a cost (one load and add per 8 bytes) that is far below any reader's. It runs inside the
 * channels, in parallel, so that the client thread does not become the bottleneck the way a one-thread
 * consumer of all batches would.
 */
final class ScanChecksum implements OperatorFactory {
    private static final long serialVersionUID = 1L;

    static final Schema OUTPUT = new Schema(List.of(
            new Field("rows", FieldType.notNullable(new ArrowType.Int(64, true)), null),
            new Field("bytes", FieldType.notNullable(new ArrowType.Int(64, true)), null),
            new Field("checksum", FieldType.notNullable(new ArrowType.Int(64, true)), null)));

    /** Columns to touch, by name; {@code null} for all of them. */
    private final List<String> columns;

    ScanChecksum(List<String> columns) {
        this.columns = columns == null ? null : List.copyOf(columns);
    }

    @Override
    public Operator create(int channel) {
        return new Operator() {
            private BufferAllocator allocator;
            private final long[] acc = new long[2]; // bytes, checksum
            private long rows;

            @Override
            public void open(OperatorContext context) {
                allocator = context.allocator();
            }

            @Override
            public void process(int input, VectorSchemaRoot batch, Emitter out) {
                try (batch) {
                    rows += batch.getRowCount();
                    if (columns == null) {
                        for (FieldVector v : batch.getFieldVectors()) {
                            touch(v, acc);
                        }
                    } else {
                        for (String c : columns) {
                            FieldVector v = batch.getVector(c);
                            if (v == null) {
                                throw new IllegalArgumentException("no column " + c + " in " + batch.getSchema());
                            }
                            touch(v, acc);
                        }
                    }
                }
            }

            @Override
            public void finish(int input, Emitter out) {
                VectorSchemaRoot r = VectorSchemaRoot.create(OUTPUT, allocator);
                r.allocateNew();
                ((BigIntVector) r.getVector(0)).set(0, rows);
                ((BigIntVector) r.getVector(1)).set(0, acc[0]);
                ((BigIntVector) r.getVector(2)).set(0, acc[1]);
                r.setRowCount(1);
                out.emit(r);
            }
        };
    }

    @Override
    public Schema outputSchema(List<Schema> inputSchemas) {
        return OUTPUT;
    }

    @Override
    public String name() {
        return "scan-checksum";
    }

    /** Adds the size of {@code v}'s buffers (and its children's) to {@code acc[0]} and their words to {@code acc[1]}. */
    static void touch(FieldVector v, long[] acc) {
        // getFieldBuffers() sets each buffer's writer index to the bytes that hold the vector's values.
        for (ArrowBuf buf : v.getFieldBuffers()) {
            long n = Math.min(buf.writerIndex(), buf.capacity());
            acc[0] += n;
            acc[1] += sum(buf.memoryAddress(), n);
        }
        for (FieldVector child : v.getChildrenFromFields()) {
            touch(child, acc);
        }
    }

    /** The sum of the little-endian 64-bit words of {@code [address, address + length)}, the tail zero-padded. */
    static long sum(long address, long length) {
        long s0 = 0;
        long s1 = 0;
        long i = 0;
        // Two accumulators so the loads are not serialised on one add chain.
        for (long end = length - 15; i < end; i += 16) {
            s0 += MemoryUtil.getLong(address + i);
            s1 += MemoryUtil.getLong(address + i + 8);
        }
        for (; i + 8 <= length; i += 8) {
            s0 += MemoryUtil.getLong(address + i);
        }
        long tail = 0;
        for (int shift = 0; i < length; i++, shift += 8) {
            tail |= (MemoryUtil.getByte(address + i) & 0xFFL) << shift;
        }
        return s0 + s1 + tail;
    }
}
