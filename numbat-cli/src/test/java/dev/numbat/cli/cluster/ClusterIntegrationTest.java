package dev.numbat.cli.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.bench.tpch.TpchTables;
import dev.numbat.bench.tpch.queries.Answers;
import dev.numbat.bench.tpch.queries.TpchQueries;
import dev.numbat.client.DataStream;
import dev.numbat.client.NumbatContext;
import dev.numbat.client.Row;
import dev.numbat.cluster.ProcessCluster;
import dev.numbat.cluster.client.RemoteCluster;
import dev.numbat.cluster.proto.QueryStatus;
import dev.numbat.cluster.security.AuthToken;
import dev.numbat.cluster.security.ClusterSecurity;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.partition.Partitioners;
import dev.numbat.runtime.RunningQuery;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real cluster: a scheduler and two executor processes (one slot each, tagged "a" and "b") on loopback
 * ports chosen at run time, with a bearer token. The executors' class path has no test classes, so the
 * user operators here reach them only as a shipped jar. TPC-H SF 0.01 runs through
 * {@link NumbatContext#remote} and through the stock Flight SQL JDBC driver, both checked against DuckDB.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClusterIntegrationTest {
    private static final String TOKEN = "integration-test-token-0123456789";

    @TempDir
    static Path tmp;
    private Path data;
    private ProcessCluster cluster;
    private Process executorB;
    private Connection duckdb;
    private ClusterSecurity security;

    @BeforeAll
    void start() throws Exception {
        data = Path.of("target", "tpch-sf0.01").toAbsolutePath();
        if (!TpchDatagen.exists(data)) {
            try (NumbatContext ctx = NumbatContext.local()) {
                TpchDatagen.generate(ctx, 0.01, TpchDatagen.Format.PARQUET, data, List.of(), r -> { });
            }
        }
        Path tokenFile = tmp.resolve("token");
        Files.writeString(tokenFile, TOKEN);
        security = new ClusterSecurity(null, AuthToken.of(TOKEN));
        cluster = new ProcessCluster("dev.numbat.cli.Main", ProcessCluster.classPathWithoutTests(), tmp.resolve("cluster"),
                List.of("-Xmx1g"), List.of("--auth-token-file", tokenFile.toString()));
        cluster.startScheduler("--executor-timeout", "3000");
        cluster.startExecutor(1, "--tag", "a");
        executorB = cluster.startExecutor(1, "--tag", "b");
        duckdb = DriverManager.getConnection("jdbc:duckdb:");
        try (Statement st = duckdb.createStatement()) {
            st.execute("SET threads = 2");
            for (String t : TpchTables.NAMES) {
                st.execute("CREATE VIEW %s AS SELECT * FROM read_parquet('%s/*.parquet')".formatted(t, data.resolve(t)));
            }
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (duckdb != null) {
            duckdb.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private NumbatContext remote() {
        return NumbatContext.remote("127.0.0.1", cluster.schedulerPort(), security);
    }

    private List<List<Object>> duckdb(String sql) throws SQLException {
        try (Statement st = duckdb.createStatement()) {
            return Answers.of(st, sql);
        }
    }

    @Test
    @Order(1)
    void tpchThroughRemoteContextMatchesDuckDb() throws Exception {
        try (NumbatContext ctx = remote()) {
            assertThat(ctx.defaultChannels()).as("channels follow the cluster's slots").isEqualTo(2);
            for (String t : TpchTables.NAMES) {
                ctx.registerParquet(t, data.resolve(t).toString());
            }
            List<String> failures = new ArrayList<>();
            for (int q = 1; q <= TpchQueries.COUNT; q++) {
                List<List<Object>> actual = Answers.of(ctx.sql(TpchQueries.sql(q)).collectRows());
                String diff = Answers.difference(duckdb(TpchQueries.sql(q)), actual);
                if (diff != null) {
                    failures.add("Q" + q + ": " + diff);
                }
            }
            assertThat(failures).isEmpty();
            RemoteCluster admin = (RemoteCluster) ctx.runner();
            Set<String> used = new TreeSet<>();
            for (QueryStatus s : admin.queries().getQueriesList()) {
                assertThat(s.getState()).as("query %s: %s", s.getQueryId(), s.getError().getMessage())
                        .isEqualTo("succeeded");
                used.addAll(s.getExecutorsList());
            }
            assertThat(used).as("queries ran on both executors").hasSize(2);
        }
    }

    @Test
    @Order(2)
    void tpchThroughStockFlightSqlJdbcDriverMatchesDuckDb() throws Exception {
        Properties props = new Properties();
        props.put("useEncryption", "false");
        props.put("token", TOKEN);
        String url = "jdbc:arrow-flight-sql://127.0.0.1:" + cluster.schedulerPort();
        try (Connection c = DriverManager.getConnection(url, props)) {
            try (Statement st = c.createStatement()) {
                for (String t : TpchTables.NAMES) {
                    st.execute("CREATE OR REPLACE EXTERNAL TABLE %s STORED AS PARQUET LOCATION '%s'"
                            .formatted(t, data.resolve(t)));
                }
            }
            List<String> tables = new ArrayList<>();
            try (var rs = c.getMetaData().getTables(null, null, "%", null)) {
                while (rs.next()) {
                    tables.add(rs.getString("TABLE_NAME"));
                }
            }
            assertThat(tables).containsAll(TpchTables.NAMES);
            List<String> failures = new ArrayList<>();
            for (int q = 1; q <= TpchQueries.COUNT; q++) {
                List<List<Object>> actual;
                try (Statement st = c.createStatement()) {
                    actual = Answers.of(st, TpchQueries.sql(q));
                }
                String diff = Answers.difference(duckdb(TpchQueries.sql(q)), actual);
                if (diff != null) {
                    failures.add("Q" + q + ": " + diff);
                }
            }
            assertThat(failures).isEmpty();
        }
    }

    @Test
    @Order(3)
    void callsWithoutTheTokenAreRefused() {
        Properties props = new Properties();
        props.put("useEncryption", "false");
        String url = "jdbc:arrow-flight-sql://127.0.0.1:" + cluster.schedulerPort();
        assertThatThrownBy(() -> {
            try (Connection c = DriverManager.getConnection(url, props); Statement st = c.createStatement()) {
                st.executeQuery("SELECT 1");
            }
        }).isInstanceOf(SQLException.class);
        assertThatThrownBy(() -> {
            try (NumbatContext ctx = NumbatContext.remote("127.0.0.1", cluster.schedulerPort())) {
                ctx.sql("SELECT 1").collectRows();
            }
        }).isInstanceOf(NumbatException.class)
                .satisfies(e -> assertThat(e.getMessage().toLowerCase(java.util.Locale.ROOT)).contains("token"));
    }

    private List<VectorSchemaRoot> keyBatches(NumbatContext ctx, int batches, int rows) {
        Schema schema = new Schema(List.of(Field.nullable("k", new ArrowType.Int(64, true))));
        List<VectorSchemaRoot> out = new ArrayList<>();
        for (int b = 0; b < batches; b++) {
            VectorSchemaRoot r = VectorSchemaRoot.create(schema, ctx.allocator());
            BigIntVector k = (BigIntVector) r.getVector(0);
            k.allocateNew(rows);
            for (int i = 0; i < rows; i++) {
                k.set(i, (b * rows + i) % 10);
            }
            r.setRowCount(rows);
            out.add(r);
        }
        return out;
    }

    @Test
    @Order(4)
    void userStatefulOperatorRunsAcrossBothExecutors() {
        try (NumbatContext ctx = remote()) {
            List<VectorSchemaRoot> batches = keyBatches(ctx, 8, 1000);
            DataStream counted = ctx.fromBatches(batches)
                    .transform(new TestOperators.KeyCount(), Partitioners.hash("k"), 2);
            batches.forEach(VectorSchemaRoot::close);
            List<Row> rows = counted.collectRows();
            Map<Long, Long> counts = new HashMap<>();
            Set<Long> channels = new TreeSet<>();
            for (Row r : rows) {
                counts.put((Long) r.get(0), (Long) r.get(1));
                channels.add((Long) r.get(2));
            }
            assertThat(counts).hasSize(10).allSatisfy((k, n) -> assertThat(n).isEqualTo(800L));
            assertThat(channels).containsExactly(0L, 1L);
            QueryStatus last = ((RemoteCluster) ctx.runner()).queries().getQueries(0);
            assertThat(last.getState()).isEqualTo("succeeded");
            assertThat(last.getExecutorsList()).hasSize(2);
        }
    }

    @Test
    @Order(5)
    void exchangeBetweenExecutorsIsPipelined() throws Exception {
        Path marker = tmp.resolve("first-batch-seen");
        try (NumbatContext ctx = remote()) {
            List<VectorSchemaRoot> batches = keyBatches(ctx, 4, 100);
            DataStream s = ctx.fromBatches(batches).withChannels(1)
                    .transform(new TestOperators.HoldAfterFirst(marker), Partitioners.roundRobin(), 1).placeOn("a")
                    .transform(new TestOperators.MarkOnFirst(marker), Partitioners.roundRobin(), 1).placeOn("b");
            batches.forEach(VectorSchemaRoot::close);
            // The producer on executor "a" holds its second batch until the consumer on "b" saw the first:
            // without a pipelined exchange across the processes this query could not finish.
            assertThat(s.count()).isEqualTo(400);
        }
        assertThat(marker).exists();
    }

    @Test
    @Order(6)
    void placementTagWithNoExecutorIsAClearError() {
        try (NumbatContext ctx = remote()) {
            List<VectorSchemaRoot> batches = keyBatches(ctx, 1, 10);
            DataStream s = ctx.fromBatches(batches).transform(new TestOperators.Slow(), Partitioners.roundRobin(), 1)
                    .placeOn("gpu");
            batches.forEach(VectorSchemaRoot::close);
            assertThatThrownBy(s::collectRows).isInstanceOf(NumbatException.class)
                    .hasMessageContaining("gpu").satisfies(e -> assertThat(((NumbatException) e).code())
                            .isEqualTo(ErrorCode.USER_ERROR));
        }
    }

    /** Runs the numbat command line in this JVM and returns its standard output; asserts exit code 0. */
    private String numbat(String... args) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.out;
        int exit;
        try {
            System.setOut(new java.io.PrintStream(out, true, java.nio.charset.StandardCharsets.UTF_8));
            exit = dev.numbat.cli.Main.run(args);
        } finally {
            System.setOut(saved);
        }
        String text = out.toString(java.nio.charset.StandardCharsets.UTF_8);
        assertThat(exit).as("exit code of numbat %s; output:%n%s", String.join(" ", args), text).isZero();
        return text;
    }

    @Test
    @Order(7)
    void adminCommandsReportTheClusterAndRefuseCallsWithoutTheToken() throws Exception {
        String scheduler = "127.0.0.1:" + cluster.schedulerPort();
        String token = tmp.resolve("token").toString();
        String info = numbat("admin", "info", "--scheduler", scheduler, "--auth-token-file", token);
        assertThat(info).contains("executors: 2, slots: 2", "executor-1", "executor-2", "last query: q");
        assertThat(numbat("admin", "queries", "--scheduler", scheduler, "--auth-token-file", token))
                .contains("succeeded", " ms ");
        assertThat(numbat("admin", "ping", "--scheduler", scheduler, "--auth-token-file", token)).contains("pong from");
        assertThat(dev.numbat.cli.Main.run("admin", "info", "--scheduler", scheduler)).as("no token").isNotZero();
    }

    @Test
    @Order(10)
    void executorDeathFailsTheQueryPromptlyAndTheClusterGoesOn() throws Exception {
        try (NumbatContext ctx = remote()) {
            List<VectorSchemaRoot> batches = keyBatches(ctx, 60, 100);
            DataStream slow = ctx.fromBatches(batches).transform(new TestOperators.Slow(), Partitioners.roundRobin(), 2);
            batches.forEach(VectorSchemaRoot::close);
            long killedAt;
            try (RunningQuery q = slow.run()) {
                Iterator<VectorSchemaRoot> it = q.results();
                assertThat(it.hasNext()).isTrue();
                it.next().close();
                cluster.kill(executorB);
                killedAt = System.nanoTime();
                assertThatThrownBy(() -> {
                    while (it.hasNext()) {
                        it.next().close();
                    }
                }).isInstanceOf(NumbatException.class)
                        .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.EXECUTOR_LOST))
                        .hasMessageContaining("executor-2");
            }
            assertThat((System.nanoTime() - killedAt) / 1e9).as("seconds until the failure").isLessThan(15);
            // The cluster still answers, on the executor that is left.
            ctx.registerParquet("nation", data.resolve("nation").toString());
            assertThat(ctx.sql("SELECT count(*) FROM nation").collectRows().get(0).get(0)).isEqualTo(25L);
            RemoteCluster admin = (RemoteCluster) ctx.runner();
            assertThat(admin.executors().getExecutorsList()).hasSize(1);
        }
    }
}
