package dev.numbat.bench.runner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TpchReportTest {

    private static TpchReport.QueryResult q(int n, TpchReport.EngineResult numbat, TpchReport.EngineResult spark) {
        Map<String, TpchReport.EngineResult> m = new LinkedHashMap<>();
        m.put("numbat", numbat);
        m.put("spark", spark);
        return new TpchReport.QueryResult(n, m);
    }

    private static TpchReport.EngineResult ok(double... ms) {
        return new TpchReport.EngineResult(TpchReport.OK, ms);
    }

    @Test
    void mediansGeomeansAndRatiosLeaveOutQueriesAnyEngineGotWrong() {
        TpchReport report = new TpchReport(Map.of("scale factor", "1", "threads", "2"), List.of("numbat", "spark"),
                List.of(q(1, ok(10, 30, 20), ok(100, 300, 200)),
                        q(2, ok(40, 40), ok(400, 1200)),
                        q(3, ok(1), new TpchReport.EngineResult("WRONG: row 0", new double[0]))));

        assertThat(report.queries().get(0).of("numbat").median()).isEqualTo(20);
        assertThat(report.queries().get(1).of("spark").median()).isEqualTo(800);
        assertThat(report.common()).extracting(TpchReport.QueryResult::query).containsExactly(1, 2);
        assertThat(report.geomean("numbat")).isCloseTo(Math.sqrt(20 * 40), within(1e-9));
        assertThat(report.geomean("spark")).isCloseTo(Math.sqrt(200 * 800), within(1e-9));
        assertThat(report.baseline()).isEqualTo("numbat");
        assertThat(report.problems()).containsExactly("Q3 spark: WRONG: row 0");
        assertThat(report.goals()).containsExactly("goal: numbat >= 5x faster than spark: 14.14x faster -> met");
        String table = report.format();
        assertThat(table).contains("spark/numbat", "10.00x", "20.00x", "WRONG");
        assertThat(report.toCsv()).contains("3,spark,,,,0,,\"WRONG: row 0\",\"\"");
        assertThat(report.toJson()).contains("\"spark\": {\"status\": \"WRONG: row 0\", \"median_ms\": null");
    }
}
