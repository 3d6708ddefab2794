package dev.numbat.cluster.scheduler;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.cluster.client.RemoteCluster;
import dev.numbat.cluster.executor.ExecutorConfig;
import dev.numbat.cluster.executor.ExecutorNode;
import dev.numbat.cluster.proto.QueryStatus;
import dev.numbat.cluster.security.ClusterSecurity;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.io.parquet.ParquetSource;
import dev.numbat.plan.PlanOptions;
import dev.numbat.plan.PlannerContext;
import dev.numbat.plan.catalog.Catalog;
import dev.numbat.runtime.LocalRuntime;
import dev.numbat.runtime.RunningQuery;
import dev.numbat.runtime.RuntimeOptions;
import dev.numbat.runtime.TaskGraph;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A scheduler and two executors in this JVM, talking over loopback gRPC and Flight exactly as processes do:
 * queries planned here run split over both executors with the same answers as the local runtime.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class SchedulerNodeTest {
    @TempDir
    static Path dir;
    private final Catalog catalog = new Catalog();
    private SchedulerNode scheduler;
    private final List<ExecutorNode> executors = new ArrayList<>();
    private BufferAllocator root;

    @BeforeAll
    void start() throws Exception {
        try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:"); Statement st = duckdb.createStatement()) {
            st.execute("COPY (SELECT i AS k, i % 7 AS g, CAST(i AS DECIMAL(12,2)) / 4 AS v, 'n' || (i % 13) AS s "
                    + "FROM range(20000) t(i)) TO '" + dir.resolve("t.parquet") + "' (FORMAT PARQUET, ROW_GROUP_SIZE 2000)");
            st.execute("COPY (SELECT i AS g, 'group ' || i AS name FROM range(7) t(i)) TO '"
                    + dir.resolve("g.parquet") + "' (FORMAT PARQUET)");
        }
        catalog.register("t", new ParquetSource(dir.resolve("t.parquet").toString()).withRowGroupSplitBytes(0));
        catalog.register("g", new ParquetSource(dir.resolve("g.parquet").toString()));
        root = TestAllocator.create();
        scheduler = new SchedulerNode(new SchedulerConfig("127.0.0.1", 0, ClusterSecurity.NONE, 200, 1500,
                dir.resolve("scheduler"), "embedded"));
        for (int i = 0; i < 2; i++) {
            executors.add(new ExecutorNode(new ExecutorConfig("127.0.0.1", scheduler.port(), "127.0.0.1", 0, 1,
                    dir.resolve("executor" + i), i == 0 ? Set.of("a") : Set.of("b"), List.of(), 1 << 20,
                    ClusterSecurity.NONE)).start(10_000));
        }
    }

    @AfterAll
    void stop() {
        executors.forEach(ExecutorNode::close);
        if (scheduler != null) {
            scheduler.close();
        }
        if (root != null) {
            root.close();
        }
    }

    private TaskGraph plan(String sql, int channels) throws Exception {
        PlannerContext planner = new PlannerContext(catalog, new PlanOptions(channels,
                PlanOptions.DEFAULT_BROADCAST_THRESHOLD_ROWS, true));
        org.apache.calcite.tools.Planner p = org.apache.calcite.tools.Frameworks.getPlanner(planner.config());
        try {
            return planner.compile(p.rel(p.validate(p.parse(sql))).project());
        } finally {
            p.close();
        }
    }

    private static List<String> rows(Iterator<VectorSchemaRoot> it) {
        List<String> out = new ArrayList<>();
        while (it.hasNext()) {
            try (VectorSchemaRoot b = it.next()) {
                for (int r = 0; r < b.getRowCount(); r++) {
                    StringBuilder sb = new StringBuilder();
                    for (var v : b.getFieldVectors()) {
                        sb.append(v.getObject(r)).append('|');
                    }
                    out.add(sb.toString());
                }
            }
        }
        out.sort(null);
        return out;
    }

    private List<String> local(TaskGraph graph) {
        try (LocalRuntime runtime = new LocalRuntime(RuntimeOptions.defaults().withThreads(2), root);
                RunningQuery q = runtime.submit(graph, root)) {
            return rows(q.results());
        }
    }

    @Test
    void queriesSplitOverTwoExecutorsMatchTheLocalRuntime() throws Exception {
        String[] queries = {
            "SELECT g, count(*), sum(v), min(s) FROM t GROUP BY g",
            "SELECT g.name, count(*) FROM t JOIN g ON t.g = g.g WHERE t.k % 3 = 0 GROUP BY g.name",
            "SELECT k, v FROM t ORDER BY v DESC, k LIMIT 17",
            "SELECT count(DISTINCT s) FROM t",
        };
        for (String sql : queries) {
            TaskGraph graph = plan(sql, 2);
            List<String> expected = local(graph);
            List<String> actual;
            try (RunningQuery q = scheduler.runner().submit(graph, sql, root)) {
                actual = rows(q.results());
                assertThat(q.channelMetrics().stream().mapToInt(List::size).sum()).as("channel metrics reported")
                        .isPositive();
            }
            assertThat(actual).as(sql).isEqualTo(expected).isNotEmpty();
        }
        try (RemoteCluster client = new RemoteCluster("127.0.0.1", scheduler.port(), ClusterSecurity.NONE, root)) {
            assertThat(client.info().getTotalSlots()).isEqualTo(2);
            TaskGraph graph = plan(queries[0], 2);
            try (RunningQuery q = client.submit(graph, queries[0], root)) {
                assertThat(rows(q.results())).isEqualTo(local(graph));
            }
            List<QueryStatus> done = client.queries().getQueriesList();
            assertThat(done.get(0).getState()).isEqualTo("succeeded");
            assertThat(done.get(0).getExecutorsList()).as("the query ran on both executors").hasSize(2);
            assertThat(done.get(0).getResultRows()).isEqualTo(7);
        }
    }

    @Test
    void aFailingOperatorFailsTheQueryWithItsMessageAndTheClusterGoesOn() throws Exception {
        TaskGraph graph = plan("SELECT k / (g - g) FROM t", 2);
        try (RunningQuery q = scheduler.runner().submit(graph, "division by zero", root)) {
            assertThatThrownBy(() -> rows(q.results())).isInstanceOf(NumbatException.class)
                    .hasMessageContaining("zero");
        }
        TaskGraph ok = plan("SELECT count(*) FROM t", 2);
        try (RunningQuery q = scheduler.runner().submit(ok, "count", root)) {
            assertThat(rows(q.results())).containsExactly("20000|");
        }
    }

    @Test
    void aPlanLargerThanTheGrpcMessageLimitTravelsInChunks() throws Exception {
        // 24 MiB of in-memory rows inside the plan: over the scheduler's 16 MiB message limit.
        org.apache.arrow.vector.types.pojo.Schema schema = new org.apache.arrow.vector.types.pojo.Schema(List.of(
                org.apache.arrow.vector.types.pojo.Field.nullable("x",
                        new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true))));
        List<VectorSchemaRoot> batches = new ArrayList<>();
        long expected = 0;
        for (int b = 0; b < 3; b++) {
            VectorSchemaRoot r = VectorSchemaRoot.create(schema, root);
            org.apache.arrow.vector.BigIntVector x = (org.apache.arrow.vector.BigIntVector) r.getVector(0);
            x.allocateNew(1_000_000);
            for (int i = 0; i < 1_000_000; i++) {
                x.set(i, i % 1000);
                expected += i % 1000;
            }
            r.setRowCount(1_000_000);
            batches.add(r);
        }
        TaskGraph.Builder g = TaskGraph.builder();
        int source;
        try (dev.numbat.core.source.InMemorySource in = new dev.numbat.core.source.InMemorySource(schema, batches, root)) {
            batches.forEach(VectorSchemaRoot::close);
            source = g.source("values", in, 2);
            int sum = g.operator("sum", dev.numbat.operators.aggregate.HashAggregateOperator.Factory.single(schema,
                    List.of(), List.of(dev.numbat.operators.aggregate.AggregateCall.of(dev.numbat.operators.aggregate.AggregateFunction.SUM, 0, "s"))), 1);
            g.connect(source, sum, dev.numbat.core.partition.Partitioners.single()).output(sum);
            TaskGraph graph = g.build();
            assertThat(dev.numbat.cluster.codec.PlanCodec.encode(graph).length).isGreaterThan(16 << 20);
            try (RemoteCluster client = new RemoteCluster("127.0.0.1", scheduler.port(), ClusterSecurity.NONE, root);
                    RunningQuery q = client.submit(graph, "big plan", root)) {
                assertThat(rows(q.results())).containsExactly(expected + "|");
            }
        }
    }

    @Test
    void aClusterWithoutATokenRefusesUserCode() throws Exception {
        TaskGraph scan = plan("SELECT k FROM t", 1);
        TaskGraph.Builder g = TaskGraph.builder();
        int source = g.source("t", scan.node(0).source(), 1);
        int user = g.operator("user", (dev.numbat.core.operator.OperatorFactory) c -> (input, batch, out) -> out.emit(batch), 1);
        g.connect(source, user, dev.numbat.core.partition.Partitioners.forward()).output(user);
        assertThatThrownBy(() -> scheduler.runner().submit(g.build(), "user operator", root).close())
                .isInstanceOf(NumbatException.class).hasMessageContaining("authenticated")
                .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.USER_ERROR));
    }

    @Test
    void cancellingAQueryEndsItEverywhere() throws Exception {
        TaskGraph graph = plan("SELECT k FROM t", 2);
        try (RunningQuery q = scheduler.runner().submit(graph, "scan", root)) {
            Iterator<VectorSchemaRoot> it = q.results();
            assertThat(it.hasNext()).isTrue();
            it.next().close();
            q.cancel();
            assertThatThrownBy(() -> rows(it)).isInstanceOf(NumbatException.class)
                    .satisfies(e -> assertThat(((NumbatException) e).code()).isEqualTo(ErrorCode.CANCELLED));
        }
    }
}
