package dev.numbat.io.arrow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Split;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.io.write.IoTestSupport;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ArrowIpcSourceTest {
    @TempDir
    Path dir;

    private BufferAllocator allocator;

    @BeforeEach
    void setUp() {
        allocator = TestAllocator.create();
    }

    @AfterEach
    void tearDown() {
        allocator.close();
    }

    /** Writes {@code batches} batches of {@code rows} rows with ids from {@code from}. */
    private void writeFile(Path file, long from, int batches, int rows) throws Exception {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(IoTestSupport.MIXED, allocator);
                FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                ArrowFileWriter writer = new ArrowFileWriter(root, null, ch)) {
            writer.start();
            for (int b = 0; b < batches; b++) {
                try (VectorSchemaRoot batch = IoTestSupport.mixedBatch(allocator, from + (long) b * rows, rows);
                        var record = new VectorUnloader(batch).getRecordBatch()) {
                    new VectorLoader(root).load(record);
                    writer.writeBatch();
                }
            }
            writer.end();
        }
    }

    @Test
    void splitsByRecordBatchAndReadsAllRowsInOrder() throws Exception {
        writeFile(dir.resolve("a.arrow"), 0, 5, 1000);
        writeFile(dir.resolve("b.arrow"), 5000, 3, 1000);
        ArrowIpcSource source = new ArrowIpcSource(dir.toString());
        assertThat(source.schema()).isEqualTo(IoTestSupport.MIXED);
        assertThat(source.splits(100)).hasSize(8);
        assertThat(source.splits(1)).hasSize(2);
        List<Split> four = source.splits(4);
        assertThat(four.size()).isBetween(3, 6);
        List<List<Object>> expected;
        try (VectorSchemaRoot all = IoTestSupport.mixedBatch(allocator, 0, 8000)) {
            expected = IoTestSupport.rows(all);
        }
        assertThat(IoTestSupport.readAll(source, allocator)).isEqualTo(expected);
        // any split granularity reads the same rows
        List<List<Object>> viaSingleBatchSplits = new ArrayList<>();
        for (Split s : source.splits(100)) {
            try (var reader = source.open(s, allocator)) {
                VectorSchemaRoot b;
                while ((b = reader.next()) != null) {
                    try (VectorSchemaRoot batch = b) {
                        assertThat(batch.getRowCount()).isEqualTo(1000);
                        viaSingleBatchSplits.addAll(IoTestSupport.rows(batch));
                    }
                }
            }
        }
        assertThat(viaSingleBatchSplits).isEqualTo(expected);
    }

    @Test
    void corruptFileIsAUserError() throws Exception {
        Path bad = dir.resolve("bad.arrow");
        Files.writeString(bad, "not an arrow file, but long enough to look like one maybe");
        assertThatThrownBy(() -> new ArrowIpcSource(bad.toString()).schema())
                .isInstanceOf(NumbatException.class).hasMessageContaining(bad.toString())
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
        assertThatThrownBy(() -> new ArrowIpcSource(dir.resolve("none.arrow").toString()).schema())
                .isInstanceOf(NumbatException.class)
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
    }
}
