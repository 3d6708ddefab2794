package dev.numbat.bench.scan;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.client.NumbatContext;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the benchmark end to end on a tiny data set: it must measure every case and agree on row counts. Timed
 * out rather than left to hang if a reader or the runtime never finishes a job.
 */
@Timeout(120)
class ScanBenchmarkTest {
    private static final int ROWS = 3000;

    private static Path writeCsv(Path dir) throws Exception {
        Path csvDir = Files.createDirectories(dir.resolve("csv"));
        for (int f = 0; f < 2; f++) {
            StringBuilder sb = new StringBuilder("id,name,price,day\n");
            for (int i = 0; i < ROWS / 2; i++) {
                int id = f * ROWS / 2 + i;
                sb.append(id).append(",name ").append(id % 17).append(',').append(id % 100).append('.')
                        .append(id % 10).append(",2024-01-").append(10 + id % 20).append('\n');
            }
            Files.writeString(csvDir.resolve("part-" + f + ".csv"), sb.toString());
        }
        return csvDir;
    }

    private static ScanReport run(ScanBenchmark.Config config, StringBuilder log) throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        ScanReport report;
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            report = ScanBenchmark.run(config, out);
        }
        log.append(bytes.toString(StandardCharsets.UTF_8));
        return report;
    }

    @Test
    void csvAllAndProjectedWithDefaultAndGivenChannels(@TempDir Path dir) throws Exception {
        Path csv = writeCsv(dir);
        StringBuilder log = new StringBuilder();
        ScanReport report = run(new ScanBenchmark.Config(1, csv.toString(), null, 2, 2, 1,
                List.of("id", "price"), dir), log);

        assertThat(report.problems()).isEmpty();
        // 2 cases (all, projected) x 3 engines (numbat default channels, numbat 1 channel, duckdb).
        assertThat(report.results()).hasSize(6);
        for (ScanReport.EngineResult r : report.results()) {
            assertThat(r.error()).as(r.toString()).isNull();
            assertThat(r.rows()).as(r.toString()).isEqualTo(ROWS);
            assertThat(r.seconds()).hasSize(2);
            assertThat(r.fileBytes()).isPositive();
        }
        assertThat(report.results()).extracting(ScanReport.EngineResult::parallelism)
                .contains("threads=2 ch=2", "threads=2 ch=1", "threads=2");
        assertThat(report.results().get(3).note()).contains("no projection push-down");
        assertThat(log).contains("warm-up", "run 2");
        assertThat(report.format()).contains("csv     id,price").doesNotContain("PROBLEMS");
    }

    @Test
    void parquetAllAndProjected(@TempDir Path dir) throws Exception {
        Path csv = writeCsv(dir);
        Path parquet = dir.resolve("parquet");
        try (NumbatContext ctx = NumbatContext.local(2)) {
            ctx.readCsv(csv.toString()).writeParquet(parquet.toString());
        }
        StringBuilder log = new StringBuilder();
        ScanReport report = run(new ScanBenchmark.Config(1, null, parquet.toString(), 1, 2, null,
                List.of("id", "price"), dir), log);

        assertThat(report.problems()).as(log.toString()).isEmpty();
        assertThat(report.results()).hasSize(4);
        for (ScanReport.EngineResult r : report.results()) {
            assertThat(r.rows()).as(r.toString()).isEqualTo(ROWS);
            assertThat(r.seconds()).hasSize(1);
        }
    }
}
