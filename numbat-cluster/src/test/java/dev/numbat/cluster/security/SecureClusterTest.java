package dev.numbat.cluster.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.cluster.client.RemoteCluster;
import dev.numbat.cluster.executor.ExecutorConfig;
import dev.numbat.cluster.executor.ExecutorNode;
import dev.numbat.cluster.scheduler.SchedulerConfig;
import dev.numbat.cluster.scheduler.SchedulerNode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.partition.Partitioners;
import dev.numbat.core.source.InMemorySource;
import dev.numbat.core.testing.TestAllocator;
import dev.numbat.operators.aggregate.AggregateCall;
import dev.numbat.operators.aggregate.AggregateFunction;
import dev.numbat.operators.aggregate.HashAggregateOperator;
import dev.numbat.runtime.RunningQuery;
import dev.numbat.runtime.TaskGraph;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole cluster with TLS and a token: scheduler and two executors whose control calls, Flight exchanges and
 * results all go over TLS with the bearer token; a plaintext or token-less client is refused.
 */
@Timeout(120)
class SecureClusterTest {
    @TempDir
    Path dir;

    @Test
    void queriesRunOverTlsWithTheTokenAndOthersAreRefused() throws Exception {
        SelfSignedCertificate cert = SelfSignedCertificate.create(dir, "cluster");
        TlsConfig tls = TlsConfig.of(cert.cert(), cert.key(), cert.cert());
        ClusterSecurity security = new ClusterSecurity(tls, AuthToken.generate());
        Schema schema = new Schema(List.of(Field.nullable("x", new ArrowType.Int(64, true))));
        try (BufferAllocator root = TestAllocator.create();
                SchedulerNode scheduler = new SchedulerNode(SchedulerConfig.defaults("127.0.0.1", 0, dir.resolve("s"))
                        .withSecurity(security));
                ExecutorNode e1 = executor(scheduler, security, "e1").start(10_000);
                ExecutorNode e2 = executor(scheduler, security, "e2").start(10_000)) {
            List<VectorSchemaRoot> batches = new ArrayList<>();
            long expected = 0;
            for (int b = 0; b < 4; b++) {
                VectorSchemaRoot r = VectorSchemaRoot.create(schema, root);
                BigIntVector x = (BigIntVector) r.getVector(0);
                x.allocateNew(1000);
                for (int i = 0; i < 1000; i++) {
                    x.set(i, b * 1000 + i);
                    expected += b * 1000 + i;
                }
                r.setRowCount(1000);
                batches.add(r);
            }
            try (InMemorySource source = new InMemorySource(schema, batches, root)) {
                batches.forEach(VectorSchemaRoot::close);
                TaskGraph.Builder g = TaskGraph.builder();
                int s = g.source("values", source, 2);
                int partial = g.operator("partial", HashAggregateOperator.Factory.single(schema, List.of(),
                        List.of(AggregateCall.of(AggregateFunction.SUM, 0, "s"))), 2);
                int total = g.operator("total", HashAggregateOperator.Factory.single(
                        new Schema(List.of(Field.nullable("s", new ArrowType.Int(64, true)))), List.of(),
                        List.of(AggregateCall.of(AggregateFunction.SUM, 0, "s"))), 1);
                g.connect(s, partial, Partitioners.forward()).connect(partial, total, Partitioners.single()).output(total);
                TaskGraph graph = g.build();
                try (RemoteCluster client = new RemoteCluster("127.0.0.1", scheduler.port(), security, root);
                        RunningQuery q = client.submit(graph, "sum over TLS", root)) {
                    var it = q.results();
                    assertThat(it.hasNext()).isTrue();
                    try (VectorSchemaRoot r = it.next()) {
                        assertThat(((Number) r.getVector(0).getObject(0)).longValue()).isEqualTo(expected);
                    }
                    assertThat(client.queries().getQueries(0).getExecutorsList()).hasSize(2);
                }
                ClusterSecurity noToken = new ClusterSecurity(tls, null);
                try (RemoteCluster c = new RemoteCluster("127.0.0.1", scheduler.port(), noToken, root)) {
                    assertThatThrownBy(c::info).isInstanceOf(NumbatException.class);
                }
                ClusterSecurity plaintext = new ClusterSecurity(null, security.token());
                try (RemoteCluster c = new RemoteCluster("127.0.0.1", scheduler.port(), plaintext, root)) {
                    assertThatThrownBy(c::info).isInstanceOf(NumbatException.class);
                }
            }
        }
    }

    private ExecutorNode executor(SchedulerNode scheduler, ClusterSecurity security, String name) {
        return new ExecutorNode(new ExecutorConfig("127.0.0.1", scheduler.port(), "127.0.0.1", 0, 1,
                dir.resolve(name), Set.of(), List.of(), 1 << 20, security));
    }
}
