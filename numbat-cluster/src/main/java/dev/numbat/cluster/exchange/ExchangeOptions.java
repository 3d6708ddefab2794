package dev.numbat.cluster.exchange;

import java.time.Duration;
import java.util.Objects;

/**
 * Tuning of an {@link ExchangeService}.
 *
 * @param credit batches an output buffer may hold that its consumer has not been sent yet before the producer
 *     must wait (the cross-process counterpart of the runtime's channel credit)
 * @param memoryBudgetBytes retained output this process keeps in memory; beyond it, outputs spill to the work
 *     directory as Arrow IPC
 * @param bufferWait how long a stream request waits for an output buffer that does not exist yet (its
 *     producer's part of the query has not started on this executor)
 * @param pumpThreads threads that write streams to their consumers
 */
public record ExchangeOptions(int credit, long memoryBudgetBytes, Duration bufferWait, int pumpThreads) {
    public ExchangeOptions {
        if (credit < 1) {
            throw new IllegalArgumentException("credit must be at least 1, got " + credit);
        }
        if (memoryBudgetBytes < 0) {
            throw new IllegalArgumentException("memoryBudgetBytes must not be negative, got " + memoryBudgetBytes);
        }
        Objects.requireNonNull(bufferWait, "bufferWait");
        if (bufferWait.isNegative()) {
            throw new IllegalArgumentException("bufferWait must not be negative, got " + bufferWait);
        }
        if (pumpThreads < 1) {
            throw new IllegalArgumentException("pumpThreads must be at least 1, got " + pumpThreads);
        }
    }

    /** Credit 4, 512 MiB in memory, 60 s wait for a producer to start, one pump thread per core. */
    public static ExchangeOptions defaults() {
        return new ExchangeOptions(4, 512L << 20, Duration.ofSeconds(60),
                Math.max(2, Runtime.getRuntime().availableProcessors()));
    }

    public ExchangeOptions withCredit(int n) {
        return new ExchangeOptions(n, memoryBudgetBytes, bufferWait, pumpThreads);
    }

    public ExchangeOptions withMemoryBudget(long bytes) {
        return new ExchangeOptions(credit, bytes, bufferWait, pumpThreads);
    }

    public ExchangeOptions withBufferWait(Duration wait) {
        return new ExchangeOptions(credit, memoryBudgetBytes, wait, pumpThreads);
    }

    public ExchangeOptions withPumpThreads(int n) {
        return new ExchangeOptions(credit, memoryBudgetBytes, bufferWait, n);
    }
}
