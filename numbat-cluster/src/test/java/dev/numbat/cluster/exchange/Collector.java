package dev.numbat.cluster.exchange;

import dev.numbat.runtime.RemoteInput;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** A {@link RemoteInput} that records what a stream delivered (sequence, rows, sum of column v) and releases it. */
final class Collector implements RemoteInput {
    record Received(long sequence, int rows, long sumOfV) {
    }

    final List<Received> received = new ArrayList<>();
    final CompletableFuture<List<Received>> done = new CompletableFuture<>();

    @Override
    public synchronized boolean put(long sequence, VectorSchemaRoot batch) {
        try (batch) {
            BigIntVector v = (BigIntVector) batch.getVector("v");
            long sum = 0;
            for (int i = 0; i < batch.getRowCount(); i++) {
                sum += v.get(i);
            }
            received.add(new Received(sequence, batch.getRowCount(), sum));
        }
        return true;
    }

    @Override
    public synchronized void finish() {
        done.complete(List.copyOf(received));
    }

    @Override
    public void fail(Throwable cause) {
        done.completeExceptionally(cause);
    }

    static long rows(List<Received> r) {
        return r.stream().mapToLong(Received::rows).sum();
    }

    static long sum(List<Received> r) {
        return r.stream().mapToLong(Received::sumOfV).sum();
    }

    static List<Long> sequences(List<Received> r) {
        List<Long> out = new ArrayList<>();
        r.forEach(x -> out.add(x.sequence()));
        return out;
    }
}
