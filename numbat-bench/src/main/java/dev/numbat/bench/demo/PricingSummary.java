package dev.numbat.bench.demo;

import dev.numbat.core.operator.Emitter;
import dev.numbat.core.operator.Operator;
import dev.numbat.core.operator.OperatorContext;
import dev.numbat.core.operator.OperatorFactory;
import java.math.BigDecimal;
import java.util.List;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A stateful operator written against the public operator API: TPC-H's pricing summary (query 1) over
 * lineitem. Each channel keeps running sums per (returnflag, linestatus) for the rows the hash partitioner
 * sends it, and emits its groups when its input ends. Decimals are summed as unscaled longs (cents).
 */
public final class PricingSummary implements Operator {
    /** Rows shipped on or before this day (1998-09-02, i.e. 1998-12-01 minus 90 days) are counted. */
    static final int SHIP_DATE_LIMIT = (int) java.time.LocalDate.of(1998, 9, 2).toEpochDay();

    public static final Schema OUTPUT = new Schema(List.of(
            Field.notNullable("l_returnflag", ArrowType.Utf8.INSTANCE),
            Field.notNullable("l_linestatus", ArrowType.Utf8.INSTANCE),
            Field.notNullable("sum_qty", new ArrowType.Decimal(18, 2, 128)),
            Field.notNullable("sum_base_price", new ArrowType.Decimal(18, 2, 128)),
            Field.notNullable("sum_disc_price", new ArrowType.Decimal(18, 4, 128)),
            Field.notNullable("count_order", new ArrowType.Int(64, true))));

    /** The factory users pass to {@code transform}. */
    public static OperatorFactory factory() {
        return new OperatorFactory() {
            private static final long serialVersionUID = 1L;

            @Override
            public Operator create(int channel) {
                return new PricingSummary();
            }

            @Override
            public Schema outputSchema(List<Schema> inputs) {
                return OUTPUT;
            }

            @Override
            public String name() {
                return "pricing_summary";
            }
        };
    }

    /** Sums per group, indexed by the two one-byte keys: (returnflag << 8) | linestatus. */
    private final long[][] groups = new long[1 << 16][];
    private OperatorContext context;

    @Override
    public void open(OperatorContext context) {
        this.context = context;
    }

    @Override
    public void process(int input, VectorSchemaRoot batch, Emitter out) {
        try (batch) {
            VarCharVector flag = (VarCharVector) batch.getVector("l_returnflag");
            VarCharVector status = (VarCharVector) batch.getVector("l_linestatus");
            DecimalVector qty = (DecimalVector) batch.getVector("l_quantity");
            DecimalVector price = (DecimalVector) batch.getVector("l_extendedprice");
            DecimalVector discount = (DecimalVector) batch.getVector("l_discount");
            DateDayVector shipdate = (DateDayVector) batch.getVector("l_shipdate");
            for (int i = 0; i < batch.getRowCount(); i++) {
                if (shipdate.get(i) > SHIP_DATE_LIMIT) {
                    continue;
                }
                int key = (firstByte(flag, i) << 8) | firstByte(status, i);
                long[] g = groups[key];
                if (g == null) {
                    g = groups[key] = new long[4];
                }
                long p = unscaled(price, i);
                g[0] += unscaled(qty, i);
                g[1] += p;
                g[2] += p * (100 - unscaled(discount, i));
                g[3]++;
            }
        }
    }

    private static int firstByte(VarCharVector v, int row) {
        return v.getDataBuffer().getByte(v.getStartOffset(row)) & 0xff;
    }

    private static long unscaled(DecimalVector v, int row) {
        // Low 8 bytes of the little-endian 128-bit value; TPC-H money fits in a long.
        return v.getDataBuffer().getLong((long) row * DecimalVector.TYPE_WIDTH);
    }

    @Override
    public void finish(int input, Emitter out) {
        VectorSchemaRoot result = VectorSchemaRoot.create(OUTPUT, context.allocator());
        int row = 0;
        for (int key = 0; key < groups.length; key++) {
            long[] g = groups[key];
            if (g == null) {
                continue;
            }
            ((VarCharVector) result.getVector(0)).setSafe(row, new byte[] {(byte) (key >>> 8)});
            ((VarCharVector) result.getVector(1)).setSafe(row, new byte[] {(byte) key});
            ((DecimalVector) result.getVector(2)).setSafe(row, BigDecimal.valueOf(g[0], 2));
            ((DecimalVector) result.getVector(3)).setSafe(row, BigDecimal.valueOf(g[1], 2));
            ((DecimalVector) result.getVector(4)).setSafe(row, BigDecimal.valueOf(g[2], 4));
            ((BigIntVector) result.getVector(5)).setSafe(row, g[3]);
            row++;
        }
        result.setRowCount(row);
        out.emit(result);
    }
}
