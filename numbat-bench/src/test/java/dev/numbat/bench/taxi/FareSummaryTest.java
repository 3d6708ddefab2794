package dev.numbat.bench.taxi;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.bench.tpch.queries.Answers;
import dev.numbat.client.NumbatContext;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The kapot example over generated taxi data gives DuckDB's answer. */
class FareSummaryTest {

    @Test
    void matchesDuckDb(@TempDir Path dir) throws Exception {
        Path trips = dir.resolve("tripdata");
        try (NumbatContext ctx = NumbatContext.local()) {
            ctx.read(new TaxiSource(300_000, 3)).writeParquet(trips.toString());
            ctx.registerParquet("tripdata", trips.toString());
            List<List<Object>> actual = Answers.of(FareSummary.query(ctx.table("tripdata")).collectRows());
            try (Connection db = DriverManager.getConnection("jdbc:duckdb:"); Statement st = db.createStatement()) {
                st.execute("CREATE VIEW tripdata AS SELECT * FROM read_parquet('%s/*.parquet')".formatted(trips));
                List<List<Object>> expected = Answers.of(st, FareSummary.SQL);
                assertThat(expected).hasSize(8); // passenger counts 0..6 and NULL
                assertThat(Answers.difference(expected, actual)).isNull();
            }
        }
    }
}
