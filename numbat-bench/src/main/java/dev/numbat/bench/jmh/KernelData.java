package dev.numbat.bench.jmh;

import dev.numbat.bench.datagen.TpchDatagen;
import dev.numbat.client.NumbatContext;
import dev.numbat.core.operator.Metrics;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/** Inputs shared by the kernel benchmarks: a lineitem-like batch, an operator context, TPC-H files. */
final class KernelData {
    /** Rows per input batch: the size the runtime's readers and operators emit. */
    static final int BATCH_ROWS = 65_536;

    /** Column order of {@link #lineitem}. */
    static final int ORDERKEY = 0;
    static final int PARTKEY = 1;
    static final int QUANTITY = 2;
    static final int EXTENDEDPRICE = 3;
    static final int DISCOUNT = 4;
    static final int RETURNFLAG = 5;
    static final int LINESTATUS = 6;
    static final int SHIPDATE = 7;
    static final int SHIPMODE = 8;

    static final Schema LINEITEM = new Schema(List.of(
            field("l_orderkey", new ArrowType.Int(64, true)),
            field("l_partkey", new ArrowType.Int(64, true)),
            field("l_quantity", new ArrowType.Decimal(15, 2, 128)),
            field("l_extendedprice", new ArrowType.Decimal(15, 2, 128)),
            field("l_discount", new ArrowType.Decimal(15, 2, 128)),
            field("l_returnflag", ArrowType.Utf8.INSTANCE),
            field("l_linestatus", ArrowType.Utf8.INSTANCE),
            field("l_shipdate", new ArrowType.Date(DateUnit.DAY)),
            field("l_shipmode", ArrowType.Utf8.INSTANCE)));

    private static final String[] FLAGS = {"A", "N", "R"};
    private static final String[] STATUS = {"F", "O"};
    private static final String[] MODES = {"REG AIR", "AIR", "RAIL", "SHIP", "TRUCK", "MAIL", "FOB"};

    private KernelData() {
    }

    private static Field field(String name, ArrowType type) {
        return new Field(name, FieldType.nullable(type), null);
    }

    /**
     * {@link #BATCH_ROWS} rows shaped like TPC-H lineitem, values drawn with a fixed seed: {@code l_partkey}
     * uniform in {@code [0, partKeys)}, the rest with the specification's ranges.
     */
    static VectorSchemaRoot lineitem(BufferAllocator allocator, int partKeys) {
        VectorSchemaRoot b = VectorSchemaRoot.create(LINEITEM, allocator);
        b.allocateNew();
        Random r = new Random(42);
        BigIntVector orderkey = (BigIntVector) b.getVector(ORDERKEY);
        BigIntVector partkey = (BigIntVector) b.getVector(PARTKEY);
        DecimalVector quantity = (DecimalVector) b.getVector(QUANTITY);
        DecimalVector price = (DecimalVector) b.getVector(EXTENDEDPRICE);
        DecimalVector discount = (DecimalVector) b.getVector(DISCOUNT);
        VarCharVector flag = (VarCharVector) b.getVector(RETURNFLAG);
        VarCharVector status = (VarCharVector) b.getVector(LINESTATUS);
        DateDayVector shipdate = (DateDayVector) b.getVector(SHIPDATE);
        VarCharVector mode = (VarCharVector) b.getVector(SHIPMODE);
        int day0 = (int) LocalDate.of(1992, 1, 2).toEpochDay();
        for (int i = 0; i < BATCH_ROWS; i++) {
            orderkey.setSafe(i, i / 4);
            partkey.setSafe(i, r.nextInt(partKeys));
            quantity.setSafe(i, BigDecimal.valueOf(100 + r.nextInt(5000), 2));
            price.setSafe(i, BigDecimal.valueOf(90_000 + r.nextInt(10_000_000), 2));
            discount.setSafe(i, BigDecimal.valueOf(r.nextInt(11), 2));
            flag.setSafe(i, FLAGS[r.nextInt(FLAGS.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            status.setSafe(i, STATUS[r.nextInt(STATUS.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8));
            shipdate.setSafe(i, day0 + r.nextInt(2526));
            mode.setSafe(i, MODES[r.nextInt(MODES.length)].getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        b.setRowCount(BATCH_ROWS);
        return b;
    }

    /** A context for driving one operator by hand on this thread. */
    static OperatorContext context(String name, BufferAllocator allocator) {
        Metrics metrics = new Metrics();
        return new OperatorContext() {
            @Override
            public String operatorName() {
                return name;
            }

            @Override
            public int channel() {
                return 0;
            }

            @Override
            public int channelCount() {
                return 1;
            }

            @Override
            public BufferAllocator allocator() {
                return allocator;
            }

            @Override
            public Metrics metrics() {
                return metrics;
            }
        };
    }

    /** Closes an operator, turning its checked exception into an unchecked one (for JMH teardown). */
    static void close(Operator op) {
        try {
            op.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** TPC-H lineitem at {@code scaleFactor} generated as {@code format} into a new temporary directory. */
    static Path generateLineitem(double scaleFactor, TpchDatagen.Format format) throws IOException {
        Path dir = Files.createTempDirectory("numbat-kernel-");
        try (NumbatContext ctx = NumbatContext.local(1)) {
            TpchDatagen.generate(ctx, scaleFactor, format, dir, List.of("lineitem"), r -> { });
        }
        return dir.resolve("lineitem");
    }

    /** Total size of the files in {@code dir}. */
    static long bytes(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.mapToLong(p -> p.toFile().length()).sum();
        }
    }

    /**
     * Reads every split of {@code source} in order on this thread, as one reader channel does, touching nothing
     * but the row counts: the readers decode eagerly, so this is decoding throughput.
     */
    static long readAll(Source source, BufferAllocator allocator) {
        long rows = 0;
        for (Split split : source.splits(1)) {
            try (SplitReader reader = source.open(split, allocator)) {
                for (VectorSchemaRoot b = reader.next(); b != null; b = reader.next()) {
                    rows += b.getRowCount();
                    b.close();
                }
            }
        }
        return rows;
    }

    static void deleteRecursively(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
