package dev.numbat.cli.cluster;

import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * User operators for the cluster tests. They live in test classes, which the executor processes do not have
 * on their class path: they reach executors only as a shipped jar.
 */
final class TestOperators {
    static final Schema KEY_COUNT = new Schema(List.of(Field.nullable("k", new ArrowType.Int(64, true)),
            Field.nullable("n", new ArrowType.Int(64, true)), Field.nullable("channel", new ArrowType.Int(64, true))));

    private TestOperators() {
    }

    /** Counts rows per key (column 0) over the whole stream, emitting (key, count, channel) at the end. */
    static final class KeyCount implements OperatorFactory {
        @Override
        public Operator create(int channel) {
            return new Operator() {
                private final Map<Long, Long> counts = new TreeMap<>();
                private OperatorContext context;

                @Override
                public void open(OperatorContext context) {
                    this.context = context;
                }

                @Override
                public void process(int input, VectorSchemaRoot batch, Emitter out) {
                    try (batch) {
                        BigIntVector k = (BigIntVector) batch.getVector(0);
                        for (int i = 0; i < batch.getRowCount(); i++) {
                            counts.merge(k.get(i), 1L, Long::sum);
                        }
                    }
                }

                @Override
                public void finish(int input, Emitter out) {
                    VectorSchemaRoot r = VectorSchemaRoot.create(KEY_COUNT, context.allocator());
                    int i = 0;
                    r.allocateNew();
                    for (Map.Entry<Long, Long> e : counts.entrySet()) {
                        ((BigIntVector) r.getVector(0)).setSafe(i, e.getKey());
                        ((BigIntVector) r.getVector(1)).setSafe(i, e.getValue());
                        ((BigIntVector) r.getVector(2)).setSafe(i, context.channel());
                        i++;
                    }
                    r.setRowCount(i);
                    out.emit(r);
                }
            };
        }

        @Override
        public Schema outputSchema(List<Schema> inputs) {
            return KEY_COUNT;
        }

        @Override
        public String name() {
            return "key-count";
        }
    }

    /**
     * Passes its first batch on, then holds the second until {@code marker} exists: only a pipelined exchange
     * lets the consumer (on another executor) see the first batch and create the marker.
     */
    static final class HoldAfterFirst implements OperatorFactory {
        private final String marker;

        HoldAfterFirst(Path marker) {
            this.marker = marker.toString();
        }

        @Override
        public Operator create(int channel) {
            return new Operator() {
                private int seen;

                @Override
                public void process(int input, VectorSchemaRoot batch, Emitter out) {
                    if (seen++ == 1) {
                        long deadline = System.currentTimeMillis() + 60_000;
                        while (!Files.exists(Path.of(marker))) {
                            if (System.currentTimeMillis() > deadline) {
                                batch.close();
                                throw new IllegalStateException("the consumer never saw the first batch");
                            }
                            sleep(20);
                        }
                    }
                    out.emit(batch);
                }

                @Override
                public void finish(int input, Emitter out) {
                }
            };
        }

        @Override
        public Schema outputSchema(List<Schema> inputs) {
            return inputs.get(0);
        }

        @Override
        public String name() {
            return "hold-after-first";
        }
    }

    /** Creates {@code marker} when its first batch arrives, then passes every batch on. */
    static final class MarkOnFirst implements OperatorFactory {
        private final String marker;

        MarkOnFirst(Path marker) {
            this.marker = marker.toString();
        }

        @Override
        public Operator create(int channel) {
            return new Operator() {
                @Override
                public void process(int input, VectorSchemaRoot batch, Emitter out) {
                    try {
                        if (!Files.exists(Path.of(marker))) {
                            Files.createFile(Path.of(marker));
                        }
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    out.emit(batch);
                }

                @Override
                public void finish(int input, Emitter out) {
                }
            };
        }

        @Override
        public Schema outputSchema(List<Schema> inputs) {
            return inputs.get(0);
        }

        @Override
        public String name() {
            return "mark-on-first";
        }
    }

    /** Passes batches on slowly, so that a query is still running when a test kills an executor. */
    static final class Slow implements OperatorFactory {
        @Override
        public Operator create(int channel) {
            return new Operator() {
                @Override
                public void process(int input, VectorSchemaRoot batch, Emitter out) {
                    sleep(100);
                    out.emit(batch);
                }

                @Override
                public void finish(int input, Emitter out) {
                }
            };
        }

        @Override
        public Schema outputSchema(List<Schema> inputs) {
            return inputs.get(0);
        }

        @Override
        public String name() {
            return "slow";
        }
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
