package dev.numbat.client;

import dev.numbat.core.NumbatException;
import dev.numbat.core.batch.Values;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.io.write.CsvWriteOptions;
import dev.numbat.io.write.FileWriters;
import dev.numbat.runtime.Job;
import dev.numbat.runtime.TaskGraph;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.table.Table;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.util.VectorSchemaRootAppender;

/**
 * A lazily evaluated stream of Arrow batches. Steps ({@link #transform}) only describe the dataflow; the
 * terminal methods ({@link #collect}, {@link #show}, {@link #writeParquet}, ...) compile it into a task
 * graph and run it on the context's runtime. Immutable: every step returns a new stream.
 */
public final class DataStream {
    /** Channel count meaning "as many as the (first) input has", with a one-to-one forward edge. */
    private static final int SAME_AS_INPUT = -1;

    private final NumbatContext context;
    private final PlanNode node;

    DataStream(NumbatContext context, PlanNode node) {
        this.context = context;
        this.node = node;
    }

    /**
     * Runs a user operator over this stream in {@code channels} parallel channels; {@code partitioner}
     * decides which channel gets which rows (for example {@code Partitioners.hash("user_id")} so that all
     * rows of a key meet in one channel's state).
     */
    public DataStream transform(OperatorFactory operator, Partitioner partitioner, int channels) {
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(partitioner, "partitioner");
        if (channels < 1) {
            throw NumbatException.userError("channels must be at least 1, got %d", channels);
        }
        return new DataStream(context, new PlanNode.Transform(operator.name(), List.of(node),
                List.of(partitioner), List.of(false), operator, channels));
    }

    /** {@link #transform(OperatorFactory, Partitioner, int)} with the context's default channel count. */
    public DataStream transform(OperatorFactory operator, Partitioner partitioner) {
        return transform(operator, partitioner, context.defaultChannels());
    }

    /** Runs an operator channel by channel on this stream's channels, without moving rows between them. */
    public DataStream transform(OperatorFactory operator) {
        Objects.requireNonNull(operator, "operator");
        return new DataStream(context, new PlanNode.Transform(operator.name(), List.of(node),
                List.of(FORWARD), List.of(false), operator, SAME_AS_INPUT));
    }

    /**
     * A two-input operator: this stream is input 0 and {@code other} input 1. When {@code otherFirst} is
     * set, the operator receives and finishes all of {@code other} before the first batch of this stream (as
     * a hash join's build side).
     */
    public DataStream transformWith(DataStream other, OperatorFactory operator, Partitioner thisPartitioner,
            Partitioner otherPartitioner, int channels, boolean otherFirst) {
        if (other.context != context) {
            throw NumbatException.userError("streams of different contexts cannot be combined");
        }
        return new DataStream(context, new PlanNode.Transform(operator.name(), List.of(node, other.node),
                List.of(thisPartitioner, otherPartitioner), List.of(false, otherFirst), operator, channels));
    }

    /** The same rows spread over {@code channels} channels by {@code partitioner}. */
    public DataStream repartition(Partitioner partitioner, int channels) {
        return transform(new PassThrough(), partitioner, channels);
    }

    /** Sets how many channels read this source or run this step. */
    public DataStream withChannels(int channels) {
        if (channels < 1) {
            throw NumbatException.userError("channels must be at least 1, got %d", channels);
        }
        if (node instanceof PlanNode.Read r) {
            return new DataStream(context, new PlanNode.Read(r.name(), r.source(), channels));
        }
        PlanNode.Transform t = (PlanNode.Transform) node;
        return new DataStream(context, new PlanNode.Transform(t.name(), t.inputs(), t.partitioners(),
                t.needsWhole(), t.factory(), channels));
    }

    /** The schema of this stream's batches, or null when only the batches tell (a user operator's output). */
    public Schema schema() {
        return schemaOf(node);
    }

    private static Schema schemaOf(PlanNode n) {
        if (n instanceof PlanNode.Read r) {
            return r.source().schema();
        }
        PlanNode.Transform t = (PlanNode.Transform) n;
        List<Schema> inputs = new ArrayList<>();
        for (PlanNode in : t.inputs()) {
            inputs.add(schemaOf(in));
        }
        return t.factory().outputSchema(inputs);
    }

    // ---- running

    /** The task graph this stream runs as, with its output going to the client. */
    public TaskGraph plan() {
        TaskGraph.Builder g = TaskGraph.builder();
        int out = compile(node, g, new IdentityHashMap<>(), new HashMap<>());
        return g.output(out).build();
    }

    /** The task graph as text: nodes with channel counts, edges with their partitioning. */
    public String explain() {
        return plan().explain();
    }

    private int compile(PlanNode n, TaskGraph.Builder g, Map<PlanNode, Integer> ids, Map<Integer, Integer> channels) {
        Integer known = ids.get(n);
        if (known != null) {
            return known;
        }
        int id;
        if (n instanceof PlanNode.Read r) {
            int c = r.channels() > 0 ? r.channels()
                    : Math.max(1, Math.min(context.defaultChannels(), r.source().splits(context.defaultChannels()).size()));
            id = g.source(r.name(), r.source(), c);
            channels.put(id, c);
        } else {
            PlanNode.Transform t = (PlanNode.Transform) n;
            List<Integer> inputs = new ArrayList<>();
            for (PlanNode in : t.inputs()) {
                inputs.add(compile(in, g, ids, channels));
            }
            int c = t.channels() == SAME_AS_INPUT ? channels.get(inputs.get(0)) : t.channels();
            id = g.operator(t.name(), t.factory(), c);
            channels.put(id, c);
            for (int i = 0; i < inputs.size(); i++) {
                g.connect(inputs.get(i), id, i, t.partitioners().get(i), t.needsWhole().get(i));
            }
        }
        ids.put(n, id);
        return id;
    }

    /**
     * Runs the stream and hands each result batch to {@code action} as it arrives (pipelined); the batch is
     * closed when the action returns.
     */
    public void forEachBatch(Consumer<VectorSchemaRoot> action) {
        try (Job job = context.submit(plan())) {
            Iterator<VectorSchemaRoot> it = job.results();
            while (it.hasNext()) {
                try (VectorSchemaRoot b = it.next()) {
                    action.accept(b);
                }
            }
        }
    }

    /** Runs the stream and returns all rows as one Arrow table (allocated from the context; close it). */
    public Table collect() {
        BufferAllocator allocator = context.allocator();
        List<VectorSchemaRoot> batches = new ArrayList<>();
        try (Job job = context.submit(plan())) {
            job.results().forEachRemaining(batches::add);
            Schema schema = batches.isEmpty() ? schema() : batches.get(0).getSchema();
            if (schema == null) {
                schema = new Schema(List.of());
            }
            VectorSchemaRoot all = VectorSchemaRoot.create(schema, allocator);
            try {
                if (!batches.isEmpty()) {
                    VectorSchemaRootAppender.append(false, all, batches.toArray(new VectorSchemaRoot[0]));
                } else {
                    all.setRowCount(0);
                }
                List<FieldVector> vectors = new ArrayList<>(all.getFieldVectors());
                return new Table(vectors, all.getRowCount());
            } catch (RuntimeException e) {
                all.close();
                throw e;
            }
        } finally {
            batches.forEach(VectorSchemaRoot::close);
        }
    }

    /** Runs the stream and returns its rows as Java values. Meant for small results. */
    public List<Row> collectRows() {
        List<Row> rows = new ArrayList<>();
        forEachBatch(b -> rows.addAll(toRows(b)));
        return rows;
    }

    /** Runs the stream and counts its rows. */
    public long count() {
        long[] n = {0};
        forEachBatch(b -> n[0] += b.getRowCount());
        return n[0];
    }

    /** Prints the first 20 rows as a table to standard output. */
    public void show() {
        show(20);
    }

    /** Prints the first {@code n} rows as a table to standard output. */
    public void show(int n) {
        show(n, System.out);
    }

    public void show(int n, PrintStream out) {
        out.print(showString(n));
    }

    /** The first {@code n} rows formatted as a table. Stops the job once it has them. */
    public String showString(int n) {
        List<Row> rows = new ArrayList<>();
        Schema schema = null;
        try (Job job = context.submit(plan())) {
            Iterator<VectorSchemaRoot> it = job.results();
            while (rows.size() < n && it.hasNext()) {
                try (VectorSchemaRoot b = it.next()) {
                    schema = b.getSchema();
                    for (Row r : toRows(b)) {
                        if (rows.size() < n) {
                            rows.add(r);
                        }
                    }
                }
            }
        }
        if (schema == null) {
            schema = schema();
        }
        List<String> names = new ArrayList<>();
        if (schema != null) {
            schema.getFields().forEach(f -> names.add(f.getName()));
        }
        return TableFormat.format(names, rows);
    }

    static List<Row> toRows(VectorSchemaRoot b) {
        Map<String, Integer> index = new HashMap<>();
        List<FieldVector> vectors = b.getFieldVectors();
        for (int c = 0; c < vectors.size(); c++) {
            index.putIfAbsent(vectors.get(c).getName(), c);
        }
        List<Row> rows = new ArrayList<>(b.getRowCount());
        for (int r = 0; r < b.getRowCount(); r++) {
            Object[] values = new Object[vectors.size()];
            for (int c = 0; c < values.length; c++) {
                values[c] = Values.get(vectors.get(c), r);
            }
            rows.add(Row.of(index, values));
        }
        return rows;
    }

    // ---- writing

    /** Writes the stream as Parquet files, one per channel, into {@code dir}. */
    public WriteResult writeParquet(String dir) {
        return write(dir, id -> FileWriters.parquet(dir, id));
    }

    /** Writes the stream as CSV files with a header, one per channel, into {@code dir}. */
    public WriteResult writeCsv(String dir) {
        return writeCsv(dir, CsvWriteOptions.DEFAULT);
    }

    public WriteResult writeCsv(String dir, CsvWriteOptions options) {
        return write(dir, id -> FileWriters.csv(dir, id, options));
    }

    /** Writes the stream as Arrow IPC files, one per channel, into {@code dir}. */
    public WriteResult writeArrow(String dir) {
        return write(dir, id -> FileWriters.arrow(dir, id));
    }

    private WriteResult write(String dir, java.util.function.Function<String, OperatorFactory> writer) {
        String writeId = UUID.randomUUID().toString().substring(0, 8);
        List<Path> files = new ArrayList<>();
        long[] rows = {0};
        try {
            // Each writer channel reports the file it committed and its row count.
            transform(writer.apply(writeId)).forEachBatch(b -> {
                for (Row r : toRows(b)) {
                    files.add(Paths.get((String) r.get("path")));
                    rows[0] += (Long) r.get("rows");
                }
            });
        } catch (RuntimeException e) {
            FileWriters.cleanup(dir, writeId);
            throw e;
        }
        files.sort(null);
        return new WriteResult(files, rows[0]);
    }

    /** Forwards channel i's batches to channel i of the next step. */
    private static final Partitioner FORWARD = new Partitioner() {
        private static final long serialVersionUID = 1L;

        @Override
        public void partition(VectorSchemaRoot batch, int consumers, dev.numbat.core.partition.PartitionOutput out) {
            out.sendAll(out.producerChannel() % consumers);
        }

        @Override
        public String describe() {
            return "forward";
        }
    };

    /** Emits its input unchanged; used to repartition. */
    static final class PassThrough implements OperatorFactory {
        private static final long serialVersionUID = 1L;

        @Override
        public dev.numbat.core.operator.Operator create(int channel) {
            return (input, batch, out) -> out.emit(batch);
        }

        @Override
        public Schema outputSchema(List<Schema> inputs) {
            return inputs.get(0);
        }

        @Override
        public String name() {
            return "repartition";
        }
    }

}
