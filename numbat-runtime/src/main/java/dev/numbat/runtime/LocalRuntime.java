package dev.numbat.runtime;

import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Runs task graphs in this JVM on a small fixed pool of threads; every channel of every job is a
 * cooperative task on that pool, so a graph with a thousand channels runs on two threads.
 */
public final class LocalRuntime implements AutoCloseable {
    private static final AtomicInteger RUNTIMES = new AtomicInteger();

    private final RuntimeOptions options;
    private final BufferAllocator allocator;
    private final ExecutorService pool;
    private final AtomicLong jobIds = new AtomicLong();

    /** @param allocator the parent of every job's allocator; the caller owns and closes it */
    public LocalRuntime(RuntimeOptions options, BufferAllocator allocator) {
        this.options = Objects.requireNonNull(options, "options");
        this.allocator = Objects.requireNonNull(allocator, "allocator");
        int runtime = RUNTIMES.incrementAndGet();
        AtomicInteger threads = new AtomicInteger();
        this.pool = new ThreadPoolExecutor(options.threads(), options.threads(), 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(), r -> {
                    Thread t = new Thread(r, "numbat-" + runtime + "-worker-" + threads.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    public RuntimeOptions options() {
        return options;
    }

    /**
     * Starts a job. Result batches are moved into {@code resultAllocator}, which the caller owns; it must
     * outlive the job.
     */
    public Job submit(TaskGraph graph, BufferAllocator resultAllocator) {
        return submit(graph, resultAllocator, JobPlacement.ALL_LOCAL);
    }

    /**
     * Starts this process's part of a job: the channels {@code placement} puts here, exchanging batches with
     * the others through its sinks and feeds.
     */
    public Job submit(TaskGraph graph, BufferAllocator resultAllocator, JobPlacement placement) {
        String id = Long.toString(jobIds.incrementAndGet());
        Job job = new Job(id, graph, pool, allocator, resultAllocator, options, placement);
        job.start();
        return job;
    }

    /** Runs a job to the end, closing any result batches (for graphs whose output is written, not read). */
    public Job run(TaskGraph graph) {
        try (Job job = submit(graph, allocator)) {
            var it = job.results();
            while (it.hasNext()) {
                VectorSchemaRoot b = it.next();
                b.close();
            }
            job.await();
            return job;
        }
    }

    /** Stops the threads; jobs still running are cancelled and release what they hold. */
    @Override
    public void close() {
        pool.shutdown();
        try {
            if (!pool.awaitTermination(30, TimeUnit.SECONDS)) {
                pool.shutdownNow();
            }
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
