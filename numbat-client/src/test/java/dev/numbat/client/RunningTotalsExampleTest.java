package dev.numbat.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.partition.Partitioners;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.util.TransferPair;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's example: a stateful per-key running total over a CSV of events, written to Parquet. */
class RunningTotalsExampleTest {

    /** Adds a running_total column: the sum of amount over the key's events seen so far by this channel. */
    static final class RunningTotals implements Operator {
        private final Map<Long, double[]> totals = new HashMap<>();
        private OperatorContext context;

        @Override
        public void open(OperatorContext context) {
            this.context = context;
        }

        @Override
        public void process(int input, VectorSchemaRoot batch, Emitter out) {
            BigIntVector user = (BigIntVector) batch.getVector("user_id");
            Float8Vector amount = (Float8Vector) batch.getVector("amount");
            Float8Vector running = new Float8Vector(Field.nullable("running_total",
                    new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)), context.allocator());
            running.allocateNew(batch.getRowCount());
            for (int i = 0; i < batch.getRowCount(); i++) {
                double[] total = totals.computeIfAbsent(user.get(i), k -> new double[1]);
                total[0] += amount.get(i);
                running.set(i, total[0]);
            }
            running.setValueCount(batch.getRowCount());
            // Hand the input columns on without copying, plus the new one.
            List<FieldVector> columns = new ArrayList<>();
            for (FieldVector v : batch.getFieldVectors()) {
                TransferPair t = v.getTransferPair(context.allocator());
                t.transfer();
                columns.add((FieldVector) t.getTo());
            }
            columns.add(running);
            out.emit(new VectorSchemaRoot(columns));
            batch.close();
        }
    }

    @Test
    void runningTotalsPerUserMatchDuckDb(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.csv");
        writeEvents(events, 200_000, 1_000);
        Path out = dir.resolve("totals");

        WriteResult written;
        try (NumbatContext ctx = NumbatContext.local()) {
            written = ctx.readCsv(events.toString())
                    .transform(c -> new RunningTotals(), Partitioners.hash("user_id"), 4)
                    .writeParquet(out.toString());
        }
        assertThat(written.rows()).isEqualTo(200_000);
        assertThat(written.files()).hasSizeBetween(1, 4).allSatisfy(f -> assertThat(f).exists());

        try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
                Statement st = db.createStatement()) {
            // Every user's last running total is the sum of its amounts; no row lost or duplicated.
            ResultSet rs = st.executeQuery("""
                    WITH t AS (SELECT user_id, count(*) AS n, max(running_total) AS last
                               FROM read_parquet('%s/*.parquet') GROUP BY user_id),
                         e AS (SELECT user_id, count(*) AS n, sum(amount) AS total
                               FROM read_csv('%s') GROUP BY user_id)
                    SELECT count(*), count(t.user_id), sum(CASE WHEN t.n = e.n AND abs(t.last - e.total) < 1e-6
                           THEN 1 ELSE 0 END)
                    FROM e LEFT JOIN t USING (user_id)""".formatted(out, events));
            rs.next();
            assertThat(rs.getLong(1)).isEqualTo(1_000);
            assertThat(rs.getLong(2)).isEqualTo(1_000);
            assertThat(rs.getLong(3)).isEqualTo(1_000);
        }
    }

    @Test
    void showsAndCollects(@TempDir Path dir) throws Exception {
        Path events = dir.resolve("events.csv");
        writeEvents(events, 1_000, 10);
        try (NumbatContext ctx = NumbatContext.local()) {
            DataStream stream = ctx.readCsv(events.toString())
                    .transform(c -> new RunningTotals(), Partitioners.hash("user_id"), 3);
            List<Row> rows = stream.collectRows();
            assertThat(rows).hasSize(1_000);
            assertThat(rows.get(0).get("running_total")).isInstanceOf(Double.class);
            try (var table = stream.collect()) {
                assertThat(table.getRowCount()).isEqualTo(1_000);
                assertThat(table.getSchema().getFields()).extracting(Field::getName)
                        .containsExactly("user_id", "ts", "amount", "running_total");
            }
            assertThat(stream.showString(5)).contains("running_total").contains("5 rows");
            assertThat(stream.count()).isEqualTo(1_000);
            assertThat(stream.explain()).contains("hash(user_id)").contains("[3 channels]");
        }
    }

    static void writeEvents(Path file, int rows, int users) throws IOException {
        Random random = new Random(42);
        try (PrintWriter w = new PrintWriter(Files.newBufferedWriter(file))) {
            w.println("user_id,ts,amount");
            for (int i = 0; i < rows; i++) {
                w.printf("%d,2026-01-%02d %02d:%02d:%02d,%d.%02d%n", random.nextInt(users), 1 + i % 28, i % 24,
                        i % 60, (i / 60) % 60, random.nextInt(500), random.nextInt(100));
            }
        }
    }
}
