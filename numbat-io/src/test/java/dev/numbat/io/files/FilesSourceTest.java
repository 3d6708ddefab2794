package dev.numbat.io.files;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import dev.numbat.core.testing.TestAllocator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class FilesSourceTest {
    @TempDir
    Path dir;

    @Test
    void readsFilesAsRowsWithBoundedSplitsAndBatches() throws Exception {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            byte[] content = new byte[1000 * (i + 1)];
            Arrays.fill(content, (byte) i);
            Path f = dir.resolve("img-" + i + ".bin");
            Files.write(f, content);
            files.add(f);
        }
        Files.writeString(dir.resolve(".hidden"), "skip me");
        FilesSource source = new FilesSource(dir.toString(), 12_000, 5_000);
        List<Split> splits = source.splits(4);
        // sizes 1..10 KB in 12 KB splits: [1,2,3,4], [5,6], [7], [8], [9], [10]
        assertThat(splits).extracting(Split::sizeBytes).containsExactly(10_000L, 11_000L, 7_000L, 8_000L, 9_000L, 10_000L);

        int seen = 0;
        try (BufferAllocator allocator = TestAllocator.create()) {
            for (Split split : splits) {
                try (SplitReader reader = source.open(split, allocator)) {
                    VectorSchemaRoot b;
                    while ((b = reader.next()) != null) {
                        try (VectorSchemaRoot batch = b) {
                            assertThat(batch.getSchema()).isEqualTo(FilesSource.SCHEMA);
                            long bytes = 0;
                            for (int r = 0; r < batch.getRowCount(); r++) {
                                String path = new String(((VarCharVector) batch.getVector(0)).get(r));
                                long size = ((BigIntVector) batch.getVector(1)).get(r);
                                byte[] content = ((VarBinaryVector) batch.getVector(2)).get(r);
                                assertThat(path).isEqualTo(files.get(seen).toString());
                                assertThat(size).isEqualTo(content.length).isEqualTo(1000L * (seen + 1));
                                assertThat(content[content.length - 1]).isEqualTo((byte) seen);
                                bytes += size;
                                seen++;
                            }
                            assertThat(batch.getRowCount() == 1 || bytes <= 5_000).isTrue();
                        }
                    }
                }
            }
        }
        assertThat(seen).isEqualTo(10);
    }
}
