package dev.numbat.bench.scan;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScanReportTest {

    private static ScanReport report() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("machine", "test");
        env.put("csv", "x.csv");
        return new ScanReport(env, List.of(
                new ScanReport.EngineResult(ScanFormat.CSV, "all", "numbat", "threads=2 ch=2", 2_000_000, 1000,
                        List.of(3.0, 1.0, 2.0), List.of(5.0, 2.0, 4.0), "bytes=1 sum=2", "", null),
                new ScanReport.EngineResult(ScanFormat.CSV, "all", "duckdb", "threads=2", 2_000_000, 1000,
                        List.of(1.0, 0.5, 1.5, 2.0), List.of(1.0, 1.0, 1.0, 1.0), "9", "", null),
                new ScanReport.EngineResult(ScanFormat.CSV, "a,b", "numbat", "threads=2 ch=2", 2_000_000, -1,
                        List.of(), List.of(), null, "parses all columns", "NumbatException: boom")),
                List.of("ROW COUNT MISMATCH csv all: numbat counted 1,000 rows, duckdb 999"));
    }

    @Test
    void medianBestAndRatesFollowFromTheRunTimes() {
        ScanReport r = report();
        ScanReport.EngineResult numbat = r.results().get(0);
        ScanReport.EngineResult duck = r.results().get(1);
        assertThat(numbat.median()).isEqualTo(2.0);
        assertThat(numbat.best()).isEqualTo(1.0);
        assertThat(numbat.cpuMedian()).isEqualTo(4.0);
        assertThat(duck.median()).isEqualTo(1.25); // even count: mean of the middle two
        assertThat(numbat.rowsPerSecond(numbat.median())).isEqualTo(500.0);
        assertThat(numbat.mbPerSecond(numbat.best())).isEqualTo(2.0);
        assertThat(r.ratio(numbat, false)).isEqualTo(2.0 / 1.25);
        assertThat(r.ratio(numbat, true)).isEqualTo(2.0);
        assertThat(r.ratio(r.results().get(2), false)).isNaN(); // no timed runs, and no DuckDB peer for a,b
    }

    @Test
    void tableShowsFiguresFailuresNotesAndProblemsLoudly() {
        String text = report().format();
        assertThat(text).contains("machine:", "csv     all", "1.60", "FAILED: NumbatException: boom",
                "numbat*", "* parses all columns", "!!! PROBLEMS !!!", "!!! ROW COUNT MISMATCH");
        // The environment keeps its insertion order.
        assertThat(text.indexOf("machine:")).isLessThan(text.indexOf("csv:"));
    }

    @Test
    void csvAndJsonCarryEveryResult() {
        ScanReport r = report();
        List<String> lines = r.toCsv().lines().toList();
        assertThat(lines).hasSize(4);
        assertThat(lines.get(0)).startsWith("format,columns,engine,parallelism,file_bytes,rows,runs_s,median_s");
        assertThat(lines.get(1)).startsWith(
                "csv,all,numbat,threads=2 ch=2,2000000,1000,3.0000;1.0000;2.0000,2.0000,1.0000,5.0000;2.0000;4.0000,4.0000,");
        assertThat(lines.get(3)).contains("\"a,b\"", "NumbatException: boom");
        String json = r.toJson();
        assertThat(json).contains("\"runs_s\": [3.0000, 1.0000, 2.0000]", "\"ratio_median\": 1.600",
                "\"median_s\": null", "\"cpu_median_s\": 4.0000", "\"problems\": [\"ROW COUNT MISMATCH");
    }
}
