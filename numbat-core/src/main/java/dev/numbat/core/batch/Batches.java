package dev.numbat.core.batch;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;

/** Operations on whole batches that keep Arrow's ownership rules in one place. */
public final class Batches {
    private Batches() {
    }

    /** An empty batch of {@code schema} owned by the caller. */
    public static VectorSchemaRoot empty(Schema schema, BufferAllocator allocator) {
        VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
        root.setRowCount(0);
        return root;
    }

    /**
     * Moves the buffers of {@code batch} into {@code allocator}'s accounting without copying, and closes
     * {@code batch}. Used where a batch crosses from one channel to another.
     */
    public static VectorSchemaRoot transfer(VectorSchemaRoot batch, BufferAllocator allocator) {
        List<FieldVector> moved = new ArrayList<>(batch.getFieldVectors().size());
        for (FieldVector v : batch.getFieldVectors()) {
            TransferPair pair = v.getTransferPair(allocator);
            pair.transfer();
            moved.add((FieldVector) pair.getTo());
        }
        int rows = batch.getRowCount();
        batch.close();
        VectorSchemaRoot out = new VectorSchemaRoot(batch.getSchema(), moved, rows);
        return out;
    }

    /**
     * Rows {@code [offset, offset + length)} of {@code batch} as a new batch that shares its buffers
     * (reference counted, accounted to {@code allocator}); {@code batch} stays open and owned by the caller.
     */
    public static VectorSchemaRoot slice(VectorSchemaRoot batch, int offset, int length, BufferAllocator allocator) {
        List<FieldVector> parts = new ArrayList<>(batch.getFieldVectors().size());
        for (FieldVector v : batch.getFieldVectors()) {
            TransferPair pair = v.getTransferPair(allocator);
            pair.splitAndTransfer(offset, length);
            parts.add((FieldVector) pair.getTo());
        }
        return new VectorSchemaRoot(batch.getSchema(), parts, length);
    }

    /** A batch with the same rows as {@code batch}, sharing its buffers; {@code batch} stays the caller's. */
    public static VectorSchemaRoot copy(VectorSchemaRoot batch, BufferAllocator allocator) {
        return slice(batch, 0, batch.getRowCount(), allocator);
    }

    /**
     * A new batch holding the rows {@code rows[0..count)} of {@code batch}, in that order, copied into
     * {@code allocator}. {@code batch} stays the caller's.
     */
    public static VectorSchemaRoot gather(VectorSchemaRoot batch, int[] rows, int count, BufferAllocator allocator) {
        List<FieldVector> out = new ArrayList<>(batch.getFieldVectors().size());
        try {
            for (FieldVector v : batch.getFieldVectors()) {
                FieldVector to = v.getField().createVector(allocator);
                out.add(to);
                Gather.gather(v, rows, count, to);
            }
        } catch (RuntimeException | Error e) {
            out.forEach(FieldVector::close);
            throw e;
        }
        return new VectorSchemaRoot(batch.getSchema(), out, count);
    }

    /** Total bytes held by the batch's buffers. */
    public static long sizeBytes(VectorSchemaRoot batch) {
        long bytes = 0;
        for (FieldVector v : batch.getFieldVectors()) {
            bytes += v.getBufferSize();
        }
        return bytes;
    }
}
