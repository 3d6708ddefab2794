package dev.numbat.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.partition.Partitioners;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataStreamTest {
    static final Schema SCHEMA = new Schema(List.of(
            Field.nullable("k", new ArrowType.Int(64, true)),
            Field.nullable("name", ArrowType.Utf8.INSTANCE)));

    static List<VectorSchemaRoot> batches(BufferAllocator allocator, int count, int rows) {
        List<VectorSchemaRoot> out = new ArrayList<>();
        for (int b = 0; b < count; b++) {
            VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
            BigIntVector k = (BigIntVector) root.getVector(0);
            VarCharVector name = (VarCharVector) root.getVector(1);
            for (int i = 0; i < rows; i++) {
                long v = (long) b * rows + i;
                k.setSafe(i, v % 97);
                name.setSafe(i, ("row-" + v).getBytes());
            }
            root.setRowCount(rows);
            out.add(root);
        }
        return out;
    }

    /** Records which keys each channel saw; emits its input. */
    static final class KeySpy implements Operator {
        static final Map<Long, Set<Integer>> CHANNELS_BY_KEY = new ConcurrentHashMap<>();
        private int channel;

        @Override
        public void open(OperatorContext context) {
            channel = context.channel();
        }

        @Override
        public void process(int input, VectorSchemaRoot batch, Emitter out) {
            BigIntVector k = (BigIntVector) batch.getVector("k");
            for (int i = 0; i < batch.getRowCount(); i++) {
                CHANNELS_BY_KEY.computeIfAbsent(k.get(i), x -> ConcurrentHashMap.newKeySet()).add(channel);
            }
            out.emit(batch);
        }
    }

    @Test
    void hashPartitioningSendsEachKeyToOneChannelAndLosesNoRow() {
        KeySpy.CHANNELS_BY_KEY.clear();
        try (NumbatContext ctx = NumbatContext.local()) {
            List<VectorSchemaRoot> input = batches(ctx.allocator(), 10, 1000);
            DataStream s = ctx.fromBatches(input);
            input.forEach(VectorSchemaRoot::close);
            List<Row> rows = s.transform(c -> new KeySpy(), Partitioners.hash("k"), 5).collectRows();
            assertThat(rows).hasSize(10_000);
            assertThat(new HashSet<>(rows)).hasSize(10_000);
            assertThat(KeySpy.CHANNELS_BY_KEY).hasSize(97).allSatisfy((k, channels) -> assertThat(channels).hasSize(1));
            Set<Integer> used = new HashSet<>();
            KeySpy.CHANNELS_BY_KEY.values().forEach(used::addAll);
            assertThat(used).hasSize(5);
        }
    }

    @Test
    void parquetCsvAndArrowWritesReadBackTheSameRows(@TempDir Path dir) {
        try (NumbatContext ctx = NumbatContext.local()) {
            List<VectorSchemaRoot> input = batches(ctx.allocator(), 6, 500);
            DataStream s = ctx.fromBatches(input).repartition(Partitioners.roundRobin(), 3);
            input.forEach(VectorSchemaRoot::close);
            List<Row> expected = sorted(s.collectRows());

            WriteResult parquet = s.writeParquet(dir.resolve("p").toString());
            WriteResult csv = s.writeCsv(dir.resolve("c").toString());
            WriteResult arrow = s.writeArrow(dir.resolve("a").toString());
            assertThat(List.of(parquet.rows(), csv.rows(), arrow.rows())).containsOnly(3000L);
            assertThat(parquet.files()).hasSize(3);

            assertThat(sorted(ctx.readParquet(dir.resolve("p").toString()).collectRows())).isEqualTo(expected);
            assertThat(sorted(ctx.readArrow(dir.resolve("a").toString()).collectRows())).isEqualTo(expected);
            assertThat(sorted(ctx.readCsv(dir.resolve("c").toString()).collectRows())).isEqualTo(expected);
            assertThat(ctx.readParquet(dir.resolve("p/*.parquet").toString(), List.of("name")).collectRows())
                    .hasSize(3000).allSatisfy(r -> assertThat(r.size()).isEqualTo(1));
        }
    }

    @Test
    void readFilesGivesPathSizeAndBytes(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("a.txt"), "hello");
        Files.write(dir.resolve("b.bin"), new byte[1000]);
        try (NumbatContext ctx = NumbatContext.local()) {
            List<Row> rows = sorted(ctx.readFiles(dir.toString()).collectRows());
            assertThat(rows).hasSize(2);
            assertThat((String) rows.get(0).get("path")).endsWith("a.txt");
            assertThat(rows.get(0).get("size")).isEqualTo(5L);
            assertThat((byte[]) rows.get(0).get("content")).isEqualTo("hello".getBytes());
            assertThat(rows.get(1).get("size")).isEqualTo(1000L);
        }
    }

    @Test
    void wholeInputFirstLetsAnOperatorBuildThenProbe() {
        try (NumbatContext ctx = NumbatContext.local()) {
            List<VectorSchemaRoot> input = batches(ctx.allocator(), 4, 100);
            DataStream probe = ctx.fromBatches(input);
            DataStream build = ctx.fromBatches(input.subList(0, 1));
            input.forEach(VectorSchemaRoot::close);
            // A semi join by key: keeps probe rows whose key is in the build side (keys 0..96 all occur).
            DataStream joined = probe.transformWith(build, c -> new Operator() {
                final Set<Long> keys = new HashSet<>();
                boolean built;

                @Override
                public void process(int input, VectorSchemaRoot batch, Emitter out) {
                    BigIntVector k = (BigIntVector) batch.getVector("k");
                    if (input == 1) {
                        assertThat(built).isFalse();
                        for (int i = 0; i < batch.getRowCount(); i++) {
                            keys.add(k.get(i));
                        }
                        batch.close();
                    } else {
                        assertThat(built).as("build side finished before probing").isTrue();
                        out.emit(batch);
                    }
                }

                @Override
                public void finish(int input, Emitter out) {
                    if (input == 1) {
                        built = true;
                    }
                }
            }, Partitioners.hash("k"), Partitioners.hash("k"), 3, true);
            assertThat(joined.count()).isEqualTo(400);
            assertThat(joined.explain()).contains("(whole input first)");
        }
    }

    @Test
    void operatorErrorsReachTheCallerNamed() {
        try (NumbatContext ctx = NumbatContext.local()) {
            List<VectorSchemaRoot> input = batches(ctx.allocator(), 2, 10);
            DataStream s = ctx.fromBatches(input);
            input.forEach(VectorSchemaRoot::close);
            DataStream failing = s.transform(new dev.numbat.core.operator.OperatorFactory() {
                @Override
                public Operator create(int channel) {
                    return (i, b, out) -> {
                        b.close();
                        throw new IllegalArgumentException("bad value");
                    };
                }

                @Override
                public String name() {
                    return "validate";
                }
            }, Partitioners.roundRobin(), 2);
            assertThatThrownBy(failing::count)
                    .isInstanceOf(NumbatException.class)
                    .hasMessageContaining("operator 'validate' channel")
                    .hasMessageContaining("bad value")
                    .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.OPERATOR_FAILED));
            // The context is still usable.
            assertThat(s.count()).isEqualTo(20);
        }
    }

    @Test
    void missingFileIsAUserErrorNamingIt() {
        try (NumbatContext ctx = NumbatContext.local()) {
            assertThatThrownBy(() -> ctx.readParquet("/no/such/dir/x.parquet").count())
                    .isInstanceOf(NumbatException.class)
                    .hasMessageContaining("/no/such/dir")
                    .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
        }
    }

    @Test
    void groupByKeepsTheKeysInTheGivenOrder() {
        try (NumbatContext ctx = NumbatContext.local()) {
            List<VectorSchemaRoot> input = batches(ctx.allocator(), 1, 10);
            DataStream s = ctx.fromBatches(input);
            input.forEach(VectorSchemaRoot::close);
            DataStream grouped = s.groupBy("name", "k").agg(Functions.count().as("n"));
            assertThat(grouped.columns()).containsExactly("name", "k", "n");
            Row first = sorted(grouped.collectRows()).get(0);
            assertThat(first.get(0)).isEqualTo("row-0");
            assertThat(first.get(1)).isEqualTo(0L);
            assertThat(first.get(2)).isEqualTo(1L);
        }
    }

    private static List<Row> sorted(List<Row> rows) {
        List<Row> out = new ArrayList<>(rows);
        out.sort((a, b) -> a.toString().compareTo(b.toString()));
        return out;
    }

}
