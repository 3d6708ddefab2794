package dev.numbat.client;

import static dev.numbat.client.Functions.col;
import static dev.numbat.client.Functions.count;
import static dev.numbat.client.Functions.lit;
import static dev.numbat.client.Functions.max;
import static dev.numbat.client.Functions.sum;
import static dev.numbat.client.Functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioners;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.TransferPair;
import org.junit.jupiter.api.Test;

/** Relational steps and user operators in one plan. */
class RelationalStreamTest {

    /** Numbers each key's rows 1, 2, 3, ... in arrival order: a stateful operator that declares its schema. */
    static final class RowNumberPerKey implements OperatorFactory {
        @Override
        public Operator create(int channel) {
            return new Operator() {
                final Map<Long, long[]> seen = new HashMap<>();
                OperatorContext context;

                @Override
                public void open(OperatorContext context) {
                    this.context = context;
                }

                @Override
                public void process(int input, VectorSchemaRoot batch, Emitter out) {
                    BigIntVector k = (BigIntVector) batch.getVector("k");
                    BigIntVector n = new BigIntVector("n", context.allocator());
                    n.allocateNew(batch.getRowCount());
                    for (int i = 0; i < batch.getRowCount(); i++) {
                        n.set(i, ++seen.computeIfAbsent(k.get(i), x -> new long[1])[0]);
                    }
                    n.setValueCount(batch.getRowCount());
                    List<FieldVector> columns = new ArrayList<>();
                    for (FieldVector v : batch.getFieldVectors()) {
                        TransferPair t = v.getTransferPair(context.allocator());
                        t.transfer();
                        columns.add((FieldVector) t.getTo());
                    }
                    columns.add(n);
                    batch.close();
                    out.emit(new VectorSchemaRoot(columns));
                }
            };
        }

        @Override
        public Schema outputSchema(List<Schema> inputs) {
            List<Field> fields = new ArrayList<>(inputs.get(0).getFields());
            fields.add(Field.notNullable("n", new ArrowType.Int(64, true)));
            return new Schema(fields);
        }

        @Override
        public String name() {
            return "row_number_per_key";
        }
    }

    @Test
    void userOperatorBetweenRelationalSteps() {
        try (NumbatContext ctx = NumbatContext.local()) {
            List<VectorSchemaRoot> input = DataStreamTest.batches(ctx.allocator(), 10, 1000);
            DataStream s = ctx.fromBatches(input);
            input.forEach(VectorSchemaRoot::close);
            // 10,000 rows over keys 0..96; keep keys < 50, number rows per key, then aggregate per key.
            DataStream numbered = s.filter(col("k").lt(50))
                    .transform(new RowNumberPerKey(), Partitioners.hash("k"), 3);
            List<Row> rows = numbered.groupBy("k")
                    .agg(count().as("rows"), max("n").as("last"), sum("n").as("total"))
                    .filter(col("rows").ne(col("last")))
                    .collectRows();
            assertThat(rows).as("each key numbered 1..rows").isEmpty();
            long keys = numbered.groupBy("k").count().count();
            assertThat(keys).isEqualTo(50);
            assertThat(numbered.explain()).contains("row_number_per_key").contains("hash(k)");
        }
    }

    @Test
    void selectWithColumnWhenAndSort() {
        try (NumbatContext ctx = NumbatContext.local()) {
            List<VectorSchemaRoot> input = DataStreamTest.batches(ctx.allocator(), 2, 100);
            DataStream s = ctx.fromBatches(input);
            input.forEach(VectorSchemaRoot::close);
            List<Row> rows = s.withColumn("size", when(col("k").lt(10), lit("small")).otherwise(lit("large")))
                    .groupBy("size").agg(count().as("n"))
                    .sort(col("size").desc())
                    .collectRows();
            // k = v % 97 over v in 0..199: k < 10 for v in 0..9, 97..106 and 194..199.
            assertThat(rows).containsExactly(Row.of("small", 26L), Row.of("large", 174L));
        }
    }

    @Test
    void unknownColumnSuggestsTheClosestName() {
        try (NumbatContext ctx = NumbatContext.local()) {
            List<VectorSchemaRoot> input = DataStreamTest.batches(ctx.allocator(), 1, 10);
            DataStream s = ctx.fromBatches(input);
            input.forEach(VectorSchemaRoot::close);
            assertThatThrownBy(() -> s.filter(col("nmae").eq("x")))
                    .isInstanceOf(NumbatException.class)
                    .hasMessageContaining("no column 'nmae' (did you mean 'name'?)");
        }
    }

    @Test
    void joinsAnIntKeyWithABigintKey() {
        try (NumbatContext ctx = NumbatContext.local()) {
            List<VectorSchemaRoot> input = DataStreamTest.batches(ctx.allocator(), 2, 500);
            DataStream s = ctx.fromBatches(input);
            input.forEach(VectorSchemaRoot::close);
            DataStream small = s.select(col("k").cast("integer").as("ik")).distinct();
            List<Row> rows = s.join(small, List.of("k"), List.of("ik"), "inner").agg(count().as("n")).collectRows();
            assertThat(rows).containsExactly(Row.of(1000L));
            List<Row> sqlRows = ctx.sql("select 1 as x").collectRows();
            assertThat(sqlRows).containsExactly(Row.of(1));
        }
    }
}
