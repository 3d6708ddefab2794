package dev.numbat.bench.tpch;

import java.nio.charset.StandardCharsets;
import io.trino.tpch.Customer;
import io.trino.tpch.LineItem;
import io.trino.tpch.Nation;
import io.trino.tpch.Order;
import io.trino.tpch.Part;
import io.trino.tpch.PartSupplier;
import io.trino.tpch.Region;
import io.trino.tpch.Supplier;
import io.trino.tpch.TpchEntity;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Copies one generated TPC-H entity into row {@code row} of a batch: one subclass per table, each calling the
 * entity's primitive getters and the vectors' primitive setters, so no value is boxed and no per-value virtual
 * call is made. The reader binds a writer to each new batch ({@link #bind}) after allocating every fixed-width
 * vector for the whole batch, so fixed-width columns use {@code set} and only text uses {@code setSafe}.
 *
 * <p>What the generator gives (io.trino.tpch 1.2): keys as {@code long}; money as {@code long} cents
 * ({@code get*InCents}), which is exactly the unscaled value of a DECIMAL(15,2); quantities as whole units
 * ({@code getQuantity}, so ×100), discounts and taxes as whole percent ({@code getDiscountPercent}, which is
 * already the unscaled DECIMAL(15,2) value: 4 means 0.04); dates as {@code int} days since 1970-01-01 (the
 * generator already subtracts its internal offset, {@code GenerateUtils.toEpochDate}), which is exactly Arrow's
 * DateDay; text as {@code String}, ASCII in practice.
 */
abstract class TpchRowWriter<E extends TpchEntity> {

    /** Takes the typed vectors of a newly allocated batch whose schema is this table's. */
    abstract void bind(VectorSchemaRoot root);

    abstract void write(int row, E entity);

    static TpchRowWriter<? extends TpchEntity> forTable(String table) {
        return switch (table) {
            case "region" -> new RegionWriter();
            case "nation" -> new NationWriter();
            case "supplier" -> new SupplierWriter();
            case "customer" -> new CustomerWriter();
            case "part" -> new PartWriter();
            case "partsupp" -> new PartSuppWriter();
            case "orders" -> new OrdersWriter();
            case "lineitem" -> new LineItemWriter();
            default -> throw new IllegalArgumentException(table);
        };
    }

    static void text(VarCharVector vector, int row, String value) {
        vector.setSafe(row, value.getBytes(StandardCharsets.UTF_8));
    }

    /** Single ASCII characters as UTF-8, so a {@code char} column (o_orderstatus) allocates nothing. */
    private static final byte[][] ASCII = new byte[128][];

    static {
        for (int c = 0; c < ASCII.length; c++) {
            ASCII[c] = new byte[] {(byte) c};
        }
    }

    static void text(VarCharVector vector, int row, char value) {
        vector.setSafe(row, value < 128 ? ASCII[value] : String.valueOf(value).getBytes(StandardCharsets.UTF_8));
    }

    static BigIntVector bigint(VectorSchemaRoot root, int column) {
        return (BigIntVector) root.getVector(column);
    }

    static IntVector integer(VectorSchemaRoot root, int column) {
        return (IntVector) root.getVector(column);
    }

    static DecimalVector decimal(VectorSchemaRoot root, int column) {
        return (DecimalVector) root.getVector(column);
    }

    static DateDayVector date(VectorSchemaRoot root, int column) {
        return (DateDayVector) root.getVector(column);
    }

    static VarCharVector varchar(VectorSchemaRoot root, int column) {
        return (VarCharVector) root.getVector(column);
    }

    static final class RegionWriter extends TpchRowWriter<Region> {
        private BigIntVector regionKey;
        private VarCharVector name;
        private VarCharVector comment;

        @Override
        void bind(VectorSchemaRoot root) {
            regionKey = bigint(root, 0);
            name = varchar(root, 1);
            comment = varchar(root, 2);
        }

        @Override
        void write(int row, Region r) {
            regionKey.set(row, r.getRegionKey());
            text(name, row, r.getName());
            text(comment, row, r.getComment());
        }
    }

    static final class NationWriter extends TpchRowWriter<Nation> {
        private BigIntVector nationKey;
        private VarCharVector name;
        private BigIntVector regionKey;
        private VarCharVector comment;

        @Override
        void bind(VectorSchemaRoot root) {
            nationKey = bigint(root, 0);
            name = varchar(root, 1);
            regionKey = bigint(root, 2);
            comment = varchar(root, 3);
        }

        @Override
        void write(int row, Nation n) {
            nationKey.set(row, n.getNationKey());
            text(name, row, n.getName());
            regionKey.set(row, n.getRegionKey());
            text(comment, row, n.getComment());
        }
    }

    static final class SupplierWriter extends TpchRowWriter<Supplier> {
        private BigIntVector suppKey;
        private VarCharVector name;
        private VarCharVector address;
        private BigIntVector nationKey;
        private VarCharVector phone;
        private DecimalVector acctBal;
        private VarCharVector comment;

        @Override
        void bind(VectorSchemaRoot root) {
            suppKey = bigint(root, 0);
            name = varchar(root, 1);
            address = varchar(root, 2);
            nationKey = bigint(root, 3);
            phone = varchar(root, 4);
            acctBal = decimal(root, 5);
            comment = varchar(root, 6);
        }

        @Override
        void write(int row, Supplier s) {
            suppKey.set(row, s.getSupplierKey());
            text(name, row, s.getName());
            text(address, row, s.getAddress());
            nationKey.set(row, s.getNationKey());
            text(phone, row, s.getPhone());
            acctBal.set(row, s.getAccountBalanceInCents());
            text(comment, row, s.getComment());
        }
    }

    static final class CustomerWriter extends TpchRowWriter<Customer> {
        private BigIntVector custKey;
        private VarCharVector name;
        private VarCharVector address;
        private BigIntVector nationKey;
        private VarCharVector phone;
        private DecimalVector acctBal;
        private VarCharVector mktSegment;
        private VarCharVector comment;

        @Override
        void bind(VectorSchemaRoot root) {
            custKey = bigint(root, 0);
            name = varchar(root, 1);
            address = varchar(root, 2);
            nationKey = bigint(root, 3);
            phone = varchar(root, 4);
            acctBal = decimal(root, 5);
            mktSegment = varchar(root, 6);
            comment = varchar(root, 7);
        }

        @Override
        void write(int row, Customer c) {
            custKey.set(row, c.getCustomerKey());
            text(name, row, c.getName());
            text(address, row, c.getAddress());
            nationKey.set(row, c.getNationKey());
            text(phone, row, c.getPhone());
            acctBal.set(row, c.getAccountBalanceInCents());
            text(mktSegment, row, c.getMarketSegment());
            text(comment, row, c.getComment());
        }
    }

    static final class PartWriter extends TpchRowWriter<Part> {
        private BigIntVector partKey;
        private VarCharVector name;
        private VarCharVector mfgr;
        private VarCharVector brand;
        private VarCharVector type;
        private IntVector size;
        private VarCharVector container;
        private DecimalVector retailPrice;
        private VarCharVector comment;

        @Override
        void bind(VectorSchemaRoot root) {
            partKey = bigint(root, 0);
            name = varchar(root, 1);
            mfgr = varchar(root, 2);
            brand = varchar(root, 3);
            type = varchar(root, 4);
            size = integer(root, 5);
            container = varchar(root, 6);
            retailPrice = decimal(root, 7);
            comment = varchar(root, 8);
        }

        @Override
        void write(int row, Part p) {
            partKey.set(row, p.getPartKey());
            text(name, row, p.getName());
            text(mfgr, row, p.getManufacturer());
            text(brand, row, p.getBrand());
            text(type, row, p.getType());
            size.set(row, p.getSize());
            text(container, row, p.getContainer());
            retailPrice.set(row, p.getRetailPriceInCents());
            text(comment, row, p.getComment());
        }
    }

    static final class PartSuppWriter extends TpchRowWriter<PartSupplier> {
        private BigIntVector partKey;
        private BigIntVector suppKey;
        private IntVector availQty;
        private DecimalVector supplyCost;
        private VarCharVector comment;

        @Override
        void bind(VectorSchemaRoot root) {
            partKey = bigint(root, 0);
            suppKey = bigint(root, 1);
            availQty = integer(root, 2);
            supplyCost = decimal(root, 3);
            comment = varchar(root, 4);
        }

        @Override
        void write(int row, PartSupplier ps) {
            partKey.set(row, ps.getPartKey());
            suppKey.set(row, ps.getSupplierKey());
            availQty.set(row, ps.getAvailableQuantity());
            supplyCost.set(row, ps.getSupplyCostInCents());
            text(comment, row, ps.getComment());
        }
    }

    static final class OrdersWriter extends TpchRowWriter<Order> {
        private BigIntVector orderKey;
        private BigIntVector custKey;
        private VarCharVector orderStatus;
        private DecimalVector totalPrice;
        private DateDayVector orderDate;
        private VarCharVector orderPriority;
        private VarCharVector clerk;
        private IntVector shipPriority;
        private VarCharVector comment;

        @Override
        void bind(VectorSchemaRoot root) {
            orderKey = bigint(root, 0);
            custKey = bigint(root, 1);
            orderStatus = varchar(root, 2);
            totalPrice = decimal(root, 3);
            orderDate = date(root, 4);
            orderPriority = varchar(root, 5);
            clerk = varchar(root, 6);
            shipPriority = integer(root, 7);
            comment = varchar(root, 8);
        }

        @Override
        void write(int row, Order o) {
            orderKey.set(row, o.getOrderKey());
            custKey.set(row, o.getCustomerKey());
            text(orderStatus, row, o.getOrderStatus());
            totalPrice.set(row, o.getTotalPriceInCents());
            orderDate.set(row, o.getOrderDate());
            text(orderPriority, row, o.getOrderPriority());
            text(clerk, row, o.getClerk());
            shipPriority.set(row, o.getShipPriority());
            text(comment, row, o.getComment());
        }
    }

    static final class LineItemWriter extends TpchRowWriter<LineItem> {
        private BigIntVector orderKey;
        private BigIntVector partKey;
        private BigIntVector suppKey;
        private IntVector lineNumber;
        private DecimalVector quantity;
        private DecimalVector extendedPrice;
        private DecimalVector discount;
        private DecimalVector tax;
        private VarCharVector returnFlag;
        private VarCharVector lineStatus;
        private DateDayVector shipDate;
        private DateDayVector commitDate;
        private DateDayVector receiptDate;
        private VarCharVector shipInstruct;
        private VarCharVector shipMode;
        private VarCharVector comment;

        @Override
        void bind(VectorSchemaRoot root) {
            orderKey = bigint(root, 0);
            partKey = bigint(root, 1);
            suppKey = bigint(root, 2);
            lineNumber = integer(root, 3);
            quantity = decimal(root, 4);
            extendedPrice = decimal(root, 5);
            discount = decimal(root, 6);
            tax = decimal(root, 7);
            returnFlag = varchar(root, 8);
            lineStatus = varchar(root, 9);
            shipDate = date(root, 10);
            commitDate = date(root, 11);
            receiptDate = date(root, 12);
            shipInstruct = varchar(root, 13);
            shipMode = varchar(root, 14);
            comment = varchar(root, 15);
        }

        @Override
        void write(int row, LineItem l) {
            orderKey.set(row, l.getOrderKey());
            partKey.set(row, l.getPartKey());
            suppKey.set(row, l.getSupplierKey());
            lineNumber.set(row, l.getLineNumber());
            quantity.set(row, l.getQuantity() * 100);
            extendedPrice.set(row, l.getExtendedPriceInCents());
            discount.set(row, l.getDiscountPercent());
            tax.set(row, l.getTaxPercent());
            text(returnFlag, row, l.getReturnFlag());
            text(lineStatus, row, l.getStatus());
            shipDate.set(row, l.getShipDate());
            commitDate.set(row, l.getCommitDate());
            receiptDate.set(row, l.getReceiptDate());
            text(shipInstruct, row, l.getShipInstructions());
            text(shipMode, row, l.getShipMode());
            text(comment, row, l.getComment());
        }
    }
}
