package dev.numbat.cluster.exchange;

import dev.numbat.core.batch.Batches;
import dev.numbat.runtime.RemoteInput;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exchange throughput over loopback: producer threads offer wide batches to output buffers of one
 * {@link ExchangeService} (with its Flight service on a gRPC server), and {@link FlightFeed}s of a second
 * service read them, as two executors would. Reports GB/s (of Arrow buffer bytes) and rows/s for 1, 2 and 4
 * parallel streams, for BIGINT-only and BIGINT+VARCHAR batches, and once with every batch spilled. Figures,
 * never assertions: the machine may be shared.
 *
 * <p>What is measured is the exchange alone: producers offer zero-copy slices of one prepared batch, so the
 * cost of making data is not in the figures; the retained outputs share that batch's memory.
 */
public final class ExchangeBenchmark {
    private static final Logger LOG = LoggerFactory.getLogger(ExchangeBenchmark.class);
    private static final int ROWS_PER_BATCH = 65_536;

    private ExchangeBenchmark() {
    }

    /** One measured case. */
    public record Result(String schema, int streams, boolean spilled, long batches, long bytes, long rows,
            double seconds) {
        public double gigabytesPerSecond() {
            return bytes / seconds / 1e9;
        }

        public double rowsPerSecond() {
            return rows / seconds;
        }
    }

    /** Runs every case moving {@code bytesPerCase} bytes (split over the streams) and returns a printable table. */
    public static String run(long bytesPerCase) throws Exception {
        List<Result> results = new ArrayList<>();
        Path work = Files.createTempDirectory("numbat-exchange-bench");
        try (BufferAllocator root = new RootAllocator(Long.MAX_VALUE)) {
            // Warm-up (JIT, connections), not reported.
            measure(root, work, "bigint x8", 1, false, Math.min(bytesPerCase, 256L << 20));
            for (String schema : List.of("bigint x8", "bigint x4 + varchar x4")) {
                for (int streams : new int[] {1, 2, 4}) {
                    results.add(measure(root, work, schema, streams, false, bytesPerCase));
                }
            }
            results.add(measure(root, work, "bigint x8", 1, true, Math.min(bytesPerCase, 512L << 20)));
        } finally {
            try (Stream<Path> paths = Files.walk(work)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
        return format(results);
    }

    static String format(List<Result> results) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "Flight exchange over loopback (%d cores, %d rows per batch)%n",
                Runtime.getRuntime().availableProcessors(), ROWS_PER_BATCH));
        sb.append(String.format(Locale.ROOT, "%-24s %7s %7s %8s %9s %8s %7s %9s%n", "batch", "streams", "spilled",
                "batches", "MiB", "seconds", "GB/s", "Mrows/s"));
        for (Result r : results) {
            sb.append(String.format(Locale.ROOT, "%-24s %7d %7s %8d %9.0f %8.2f %7.2f %9.1f%n", r.schema(), r.streams(),
                    r.spilled() ? "yes" : "no", r.batches(), r.bytes() / 1048576.0, r.seconds(),
                    r.gigabytesPerSecond(), r.rowsPerSecond() / 1e6));
        }
        return sb.toString();
    }

    private static Result measure(BufferAllocator root, Path work, String schemaName, int streams, boolean spill,
            long bytes) throws Exception {
        ExchangeOptions options = ExchangeOptions.defaults().withMemoryBudget(spill ? 0 : Long.MAX_VALUE);
        ExecutorService grpcPool = Executors.newCachedThreadPool(daemon("bench-grpc"));
        ExecutorService feedPool = Executors.newCachedThreadPool(daemon("bench-feed"));
        ExecutorService producers = Executors.newCachedThreadPool(daemon("bench-producer"));
        String query = "bench-" + System.nanoTime();
        try (ExchangeService producerSide = new ExchangeService(root, work.resolve("producer"), options);
                ExchangeService consumerSide = new ExchangeService(root, work.resolve("consumer"), options);
                BufferAllocator batches = root.newChildAllocator("bench-batches", 0, Long.MAX_VALUE);
                FlightClientCache clients = FlightClientCache.plaintext(consumerSide.allocator());
                VectorSchemaRoot template = template(schemaName, batches)) {
            Server server = FlightClientCache.permitKeepAlive(
                    NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                    .executor(grpcPool).addService(producerSide.bindable(grpcPool)).build().start();
            try {
                Location location = Location.forGrpcInsecure("127.0.0.1", server.getPort());
                long batchBytes = Batches.sizeBytes(template);
                long perStream = Math.max(1, bytes / batchBytes / streams);
                AtomicLong receivedBytes = new AtomicLong();
                AtomicLong receivedRows = new AtomicLong();
                List<CompletableFuture<Void>> done = new ArrayList<>();
                long start = System.nanoTime();
                for (int s = 0; s < streams; s++) {
                    OutputBuffer out = producerSide.outputBuffer(query, 0, s, 0);
                    producers.execute(() -> produce(out, template, batches, perStream));
                    CompletableFuture<Void> finished = new CompletableFuture<>();
                    done.add(finished);
                    FlightFeed.start(clients, location, new BufferKey(query, 0, s, 0).ticket(0),
                            counting(receivedBytes, receivedRows, finished), consumerSide.allocator(), feedPool);
                }
                CompletableFuture.allOf(done.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
                double seconds = (System.nanoTime() - start) / 1e9;
                producerSide.release(query);
                return new Result(schemaName, streams, spill, perStream * streams, receivedBytes.get(),
                        receivedRows.get(), seconds);
            } finally {
                server.shutdownNow().awaitTermination(10, TimeUnit.SECONDS);
            }
        } finally {
            producers.shutdownNow();
            feedPool.shutdownNow();
            grpcPool.shutdownNow();
        }
    }

    /** Offers {@code count} slices of the template, waiting for credit like a producer channel would. */
    private static void produce(OutputBuffer out, VectorSchemaRoot template, BufferAllocator allocator, long count) {
        Semaphore credit = new Semaphore(0);
        try {
            for (long seq = 0; seq < count; seq++) {
                VectorSchemaRoot batch;
                synchronized (template) {
                    batch = Batches.copy(template, allocator);
                }
                while (!out.offer(seq, batch, credit::release)) {
                    credit.acquire();
                }
            }
            out.finish();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            out.abort(e);
        } catch (RuntimeException e) {
            out.abort(e);
            throw e;
        }
    }

    private static RemoteInput counting(AtomicLong bytes, AtomicLong rows, CompletableFuture<Void> finished) {
        return new RemoteInput() {
            @Override
            public boolean put(long sequence, VectorSchemaRoot batch) {
                try (batch) {
                    bytes.addAndGet(Batches.sizeBytes(batch));
                    rows.addAndGet(batch.getRowCount());
                }
                return true;
            }

            @Override
            public void finish() {
                finished.complete(null);
            }

            @Override
            public void fail(Throwable cause) {
                finished.completeExceptionally(cause);
            }
        };
    }

    private static VectorSchemaRoot template(String schemaName, BufferAllocator allocator) {
        boolean strings = schemaName.contains("varchar");
        List<Field> fields = new ArrayList<>();
        for (int c = 0; c < (strings ? 4 : 8); c++) {
            fields.add(Field.nullable("l" + c, new ArrowType.Int(64, true)));
        }
        if (strings) {
            for (int c = 0; c < 4; c++) {
                fields.add(Field.nullable("s" + c, ArrowType.Utf8.INSTANCE));
            }
        }
        VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(fields), allocator);
        root.allocateNew();
        for (int c = 0; c < fields.size(); c++) {
            if (root.getVector(c) instanceof BigIntVector v) {
                for (int i = 0; i < ROWS_PER_BATCH; i++) {
                    v.setSafe(i, (long) i * 7919 + c);
                }
            } else {
                VarCharVector v = (VarCharVector) root.getVector(c);
                for (int i = 0; i < ROWS_PER_BATCH; i++) {
                    v.setSafe(i, ("customer#" + (i * 31 + c) % 100_000).getBytes(StandardCharsets.UTF_8));
                }
            }
        }
        root.setRowCount(ROWS_PER_BATCH);
        return root;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        };
    }

    /** {@code ExchangeBenchmark [MiB per case]} (default 1024); the report goes to the log. */
    public static void main(String[] args) throws Exception {
        long mib = args.length > 0 ? Long.parseLong(args[0]) : 1024;
        LOG.info("\n{}", run(mib << 20));
    }
}
