package dev.numbat.bench.tpch.queries;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The 22 TPC-H queries in one of Numbat's front ends against DuckDB running the standard SQL text on the same
 * Parquet files. Scale factor 0.01 by default; {@code -Dtpch.sf=1} for the larger check by hand, and
 * {@code -Dtpch.queries=1,3,5} to run some.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TpchOracleTestBase {
    private TpchOracle oracle;
    protected NumbatContext ctx;

    /** Query {@code q} in the front end under test. */
    abstract DataStream query(int q);

    @BeforeAll
    void setUp() throws Exception {
        double sf = Double.parseDouble(System.getProperty("tpch.sf", "0.01"));
        oracle = new TpchOracle(Paths.get("target"), sf);
        ctx = NumbatContext.local();
        oracle.register(ctx);
    }

    @AfterAll
    void tearDown() throws Exception {
        ctx.close();
        oracle.close();
    }

    Stream<Integer> queries() {
        String only = System.getProperty("tpch.queries", "");
        if (only.isBlank()) {
            return IntStream.rangeClosed(1, TpchQueries.COUNT).boxed();
        }
        return Stream.of(only.split(",")).map(String::trim).map(Integer::parseInt);
    }

    @ParameterizedTest(name = "Q{0}")
    @MethodSource("queries")
    void matchesDuckDb(int q) throws Exception {
        DataStream query = query(q);
        List<List<Object>> actual = TpchOracle.values(query.collectRows());
        List<List<Object>> expected = oracle.duckdb(TpchQueries.sql(q));
        assertThat(expected).as("DuckDB's answer to Q%d", q).isNotEmpty();
        String diff = TpchOracle.difference(expected, actual);
        assertThat(diff).as("Q%d differs from DuckDB:%n%s%nplan:%n%s", q, diff, query.explain()).isNull();
    }
}
