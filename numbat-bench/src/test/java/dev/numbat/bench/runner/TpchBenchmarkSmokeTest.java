package dev.numbat.bench.runner;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.bench.engine.DuckDbEngine;
import dev.numbat.bench.engine.Engine;
import dev.numbat.bench.engine.EngineOptions;
import dev.numbat.bench.engine.NumbatEngine;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CI smoke run of the multi-engine TPC-H runner: scale factor 0.01, Numbat and DuckDB, one timed run, all 22
 * queries. Checks that every answer was checked and right and that the CSV, JSON and PNG results were written;
 * it asserts no time (a benchmark reports figures).
 */
@Timeout(300)
class TpchBenchmarkSmokeTest {
    private static final Path DATA = Paths.get("target", "tpch-sf0.01");

    @TempDir
    Path out;

    private static TpchBenchmark.Config config(List<Integer> queries, List<String> engines, Path logs) {
        return new TpchBenchmark.Config(0.01, DATA, queries, engines, 1, EngineOptions.of(2), logs);
    }

    @Test
    void numbatAndDuckDbAtSf001WriteCheckedResults() throws Exception {
        ByteArrayOutputStream progress = new ByteArrayOutputStream();
        TpchReport report = TpchBenchmark.run(config(TpchBenchmark.parseQueries("all"), List.of("numbat", "duckdb"),
                out), new PrintStream(progress, true, StandardCharsets.UTF_8));

        assertThat(report.engines()).containsExactly("numbat", "duckdb");
        assertThat(report.queries()).hasSize(22);
        assertThat(report.problems()).as("wrong answers or failures").isEmpty();
        assertThat(report.allAnswersChecked()).isTrue();
        for (TpchReport.QueryResult q : report.queries()) {
            for (String e : report.engines()) {
                assertThat(q.of(e).millis()).as("Q%d %s timed runs", q.query(), e).hasSize(1);
                assertThat(q.of(e).median()).as("Q%d %s", q.query(), e).isPositive();
            }
        }
        assertThat(report.common()).hasSize(22);
        assertThat(report.geomean("numbat")).isPositive();
        assertThat(report.env()).containsKeys("date", "machine", "load", "engine numbat", "engine duckdb");

        List<Path> files = report.write(out, "tpch-sf0.01");
        assertThat(files).extracting(p -> p.getFileName().toString())
                .containsExactly("tpch-sf0.01.csv", "tpch-sf0.01.json", "tpch-sf0.01.png");
        List<String> csv = Files.readAllLines(files.get(0));
        // Header, 22 queries x 2 engines, one geometric-mean line per engine.
        assertThat(csv).hasSize(1 + 44 + 2);
        assertThat(csv.get(0)).startsWith("query,engine,median_ms");
        assertThat(csv.get(1)).startsWith("1,numbat,").endsWith(",\"ok\",\"" + csv.get(1).split(",")[2] + "\"");
        String json = Files.readString(files.get(1));
        assertThat(json).contains("\"baseline\": \"numbat\"", "\"common_queries\": 22", "\"problems\": []");
        assertThat(json.split("\"status\": \"ok\"", -1)).hasSize(45);
        BufferedImage png = ImageIO.read(files.get(2).toFile());
        assertThat(png).isNotNull();
        assertThat(png.getWidth()).isEqualTo(1400);
        assertThat(report.format()).contains("geomean", "duckdb/numbat", "goal: numbat <= 1.5x duckdb's time");
    }

    @Test
    void aWrongAnswerIsReportedAndNotTimed() throws Exception {
        // DuckDB with one value of every answer changed: the runner must catch it against the oracle.
        Engine wrong = new Engine() {
            private final DuckDbEngine inner = new DuckDbEngine(1);

            @Override
            public String name() {
                return "liar";
            }

            @Override
            public String description() {
                return "DuckDB with the first numeric value of each answer off by one";
            }

            @Override
            public void prepare(Path tables) throws Exception {
                inner.prepare(tables);
            }

            @Override
            public Execution run(int query) throws Exception {
                Execution x = inner.run(query);
                List<List<Object>> rows = new ArrayList<>();
                boolean changed = false;
                for (List<Object> r : x.rows()) {
                    List<Object> row = new ArrayList<>(r);
                    for (int i = 0; i < row.size() && !changed; i++) {
                        if (row.get(i) instanceof Long l) {
                            row.set(i, l + 1);
                            changed = true;
                        } else if (row.get(i) instanceof BigDecimal d) {
                            row.set(i, d.add(BigDecimal.ONE));
                            changed = true;
                        }
                    }
                    rows.add(row);
                }
                return new Execution(x.millis() / 1000, rows);
            }

            @Override
            public void close() throws Exception {
                inner.close();
            }
        };
        List<Engine> engines = List.of(NumbatEngine.embedded(EngineOptions.of(2)), wrong);
        TpchReport report = TpchBenchmark.run(config(List.of(1, 6), List.of("numbat", "liar"), out), engines,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));

        for (TpchReport.QueryResult q : report.queries()) {
            assertThat(q.of("numbat").status()).isEqualTo(TpchReport.OK);
            assertThat(q.of("liar").status()).startsWith("WRONG");
            assertThat(q.of("liar").millis()).as("a wrong answer is never timed").isEmpty();
            assertThat(q.of("liar").median()).isNaN();
        }
        assertThat(report.common()).isEmpty();
        assertThat(report.geomean("liar")).isNaN();
        assertThat(report.problems()).hasSize(2);
        assertThat(report.format()).contains("WRONG", "problems");
    }
}
