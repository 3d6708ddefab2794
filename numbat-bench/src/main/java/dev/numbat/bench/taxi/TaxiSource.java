package dev.numbat.bench.taxi;

import dev.numbat.core.NumbatException;
import dev.numbat.core.source.Source;
import dev.numbat.core.source.Split;
import dev.numbat.core.source.SplitReader;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A synthetic data set shaped like the NYC taxi trip records (yellow cabs): the column names and types of
 * the public files, with plausible, reproducible values. Row {@code i} depends only on the seed and
 * {@code i}, so any split of the rows generates the same data.
 */
public final class TaxiSource implements Source {
    private static final long serialVersionUID = 1L;
    private static final int BATCH_ROWS = 65_536;
    private static final long ROWS_PER_SPLIT = 1 << 20;
    /** 2024-01-01T00:00:00Z in microseconds. */
    private static final long START_MICROS = 1_704_067_200_000_000L;
    private static final long YEAR_MICROS = 365L * 24 * 3600 * 1_000_000;
    private static final String[] FLAGS = {"N", "Y"};

    private static final ArrowType DOUBLE = new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
    public static final Schema SCHEMA = new Schema(List.of(
            Field.nullable("vendor_id", new ArrowType.Int(32, true)),
            Field.nullable("tpep_pickup_datetime", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
            Field.nullable("tpep_dropoff_datetime", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)),
            Field.nullable("passenger_count", new ArrowType.Int(64, true)),
            Field.nullable("trip_distance", DOUBLE),
            Field.nullable("ratecode_id", new ArrowType.Int(64, true)),
            Field.nullable("store_and_fwd_flag", ArrowType.Utf8.INSTANCE),
            Field.nullable("pu_location_id", new ArrowType.Int(32, true)),
            Field.nullable("do_location_id", new ArrowType.Int(32, true)),
            Field.nullable("payment_type", new ArrowType.Int(64, true)),
            Field.nullable("fare_amount", DOUBLE),
            Field.nullable("tip_amount", DOUBLE),
            Field.nullable("total_amount", DOUBLE)));

    private final long rows;
    private final long seed;

    public TaxiSource(long rows, long seed) {
        if (rows < 0) {
            throw NumbatException.userError("rows must not be negative, got %d", rows);
        }
        this.rows = rows;
        this.seed = seed;
    }

    public long rows() {
        return rows;
    }

    /** Rows {@code [first, first + count)}. */
    public record TaxiSplit(long first, long count) implements Split {
        @Override
        public long sizeBytes() {
            return count * 100;
        }

        @Override
        public String describe() {
            return "taxi rows [" + first + ", " + (first + count) + ")";
        }
    }

    @Override
    public Schema schema() {
        return SCHEMA;
    }

    @Override
    public List<Split> splits(int targetSplits) {
        long parts = Math.max(1, Math.min(Math.max(1, targetSplits), (rows + ROWS_PER_SPLIT - 1) / ROWS_PER_SPLIT));
        parts = Math.max(parts, Math.min(targetSplits, Math.max(1, rows / BATCH_ROWS)));
        List<Split> out = new ArrayList<>();
        long first = 0;
        for (long p = 0; p < parts; p++) {
            long count = rows / parts + (p < rows % parts ? 1 : 0);
            if (count > 0) {
                out.add(new TaxiSplit(first, count));
            }
            first += count;
        }
        return out;
    }

    @Override
    public SplitReader open(Split split, BufferAllocator allocator) {
        TaxiSplit s = (TaxiSplit) split;
        return new SplitReader() {
            long next = s.first();
            final long end = s.first() + s.count();

            @Override
            public VectorSchemaRoot next() {
                if (next >= end) {
                    return null;
                }
                int n = (int) Math.min(BATCH_ROWS, end - next);
                VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator);
                try {
                    fill(root, next, n);
                } catch (RuntimeException e) {
                    root.close();
                    throw e;
                }
                next += n;
                return root;
            }

            @Override
            public void close() {
            }
        };
    }

    private void fill(VectorSchemaRoot root, long first, int n) {
        root.allocateNew();
        IntVector vendor = (IntVector) root.getVector(0);
        TimeStampMicroVector pickup = (TimeStampMicroVector) root.getVector(1);
        TimeStampMicroVector dropoff = (TimeStampMicroVector) root.getVector(2);
        BigIntVector passengers = (BigIntVector) root.getVector(3);
        Float8Vector distance = (Float8Vector) root.getVector(4);
        BigIntVector ratecode = (BigIntVector) root.getVector(5);
        VarCharVector flag = (VarCharVector) root.getVector(6);
        IntVector pu = (IntVector) root.getVector(7);
        IntVector dropLocation = (IntVector) root.getVector(8);
        BigIntVector payment = (BigIntVector) root.getVector(9);
        Float8Vector fare = (Float8Vector) root.getVector(10);
        Float8Vector tip = (Float8Vector) root.getVector(11);
        Float8Vector total = (Float8Vector) root.getVector(12);
        byte[][] flags = {FLAGS[0].getBytes(), FLAGS[1].getBytes()};
        for (int i = 0; i < n; i++) {
            // One generator per row: any split produces identical rows.
            SplittableRandom r = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + first + i);
            vendor.setSafe(i, 1 + r.nextInt(2));
            long start = START_MICROS + (long) (r.nextDouble() * YEAR_MICROS);
            double miles = Math.round(-Math.log(1 - r.nextDouble()) * 3.0 * 100) / 100.0;
            long minutes = 2 + (long) (miles * (2 + r.nextDouble() * 4));
            pickup.setSafe(i, start);
            dropoff.setSafe(i, start + minutes * 60_000_000L);
            // About 3% of trips have no passenger count, as in the public files.
            if (r.nextInt(100) < 3) {
                passengers.setNull(i);
                ratecode.setNull(i);
                flag.setNull(i);
            } else {
                int p = r.nextInt(100);
                passengers.setSafe(i, p < 70 ? 1 : p < 85 ? 2 : p < 90 ? 3 : p < 93 ? 4 : p < 96 ? 5 : p < 99 ? 6 : 0);
                ratecode.setSafe(i, r.nextInt(50) == 0 ? 2 : 1);
                flag.setSafe(i, flags[r.nextInt(100) == 0 ? 1 : 0]);
            }
            distance.setSafe(i, miles);
            pu.setSafe(i, 1 + r.nextInt(265));
            dropLocation.setSafe(i, 1 + r.nextInt(265));
            long pay = 1 + r.nextInt(4);
            payment.setSafe(i, pay);
            double f = Math.round((3.0 + miles * 2.5 + minutes * 0.5) * 10) / 10.0;
            // A few disputed trips have negative fares, as real data does.
            if (r.nextInt(1000) == 0) {
                f = -f;
            }
            double t = pay == 1 ? Math.round(f * (0.1 + r.nextDouble() * 0.2) * 100) / 100.0 : 0;
            fare.setSafe(i, f);
            tip.setSafe(i, t);
            total.setSafe(i, Math.round((f + t + 3.5) * 100) / 100.0);
        }
        root.setRowCount(n);
    }

    @Override
    public String describe() {
        return "taxi(" + rows + " rows)";
    }
}
