package dev.numbat.cluster.codec;

import static dev.numbat.cluster.codec.ExprCodec.invalid;
import static dev.numbat.cluster.codec.ExprCodec.value;

import dev.numbat.cluster.codec.UserObjects.Decoding;
import dev.numbat.cluster.codec.UserObjects.Encoding;
import dev.numbat.cluster.proto.PartitionerProto;
import dev.numbat.cluster.proto.PartitionerProto.Range.BoundaryType;
import dev.numbat.core.partition.BroadcastPartitioner;
import dev.numbat.core.partition.ForwardPartitioner;
import dev.numbat.core.partition.HashPartitioner;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.core.partition.Partitioners;
import dev.numbat.core.partition.RangePartitioner;
import dev.numbat.core.partition.RoundRobinPartitioner;
import dev.numbat.core.partition.SinglePartitioner;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Partitioners to and from {@link PartitionerProto}: the built-ins by kind, user functions as user objects. */
final class PartitionerCodec {
    private static final PartitionerProto.Unit UNIT = PartitionerProto.Unit.getDefaultInstance();
    private static final Map<Class<?>, BoundaryType> BOUNDARY_TYPES = Map.of(Long.class, BoundaryType.LONG,
            Double.class, BoundaryType.DOUBLE, BigDecimal.class, BoundaryType.DECIMAL, String.class,
            BoundaryType.STRING, LocalDate.class, BoundaryType.DATE);

    private PartitionerCodec() {
    }

    static PartitionerProto encode(Partitioner p, Encoding enc) {
        PartitionerProto.Builder b = PartitionerProto.newBuilder();
        if (p instanceof HashPartitioner hash) {
            b.setHash(PartitionerProto.Hash.newBuilder().addAllColumns(hash.columns()));
        } else if (p instanceof RangePartitioner range) {
            BoundaryType type = BOUNDARY_TYPES.get(range.boundaryClass());
            if (type == null) {
                throw dev.numbat.core.NumbatException.internal("the plan codec has no range boundary type for "
                        + range.boundaryClass(), null);
            }
            PartitionerProto.Range.Builder r = PartitionerProto.Range.newBuilder().setColumn(range.column())
                    .setBoundaryType(type);
            range.boundaries().forEach(v -> r.addBoundaries(value(v)));
            b.setRange(r);
        } else if (p instanceof BroadcastPartitioner) {
            b.setBroadcast(UNIT);
        } else if (p instanceof RoundRobinPartitioner) {
            b.setRoundRobin(UNIT); // a fresh one: per-producer state is made by forProducer on arrival
        } else if (p instanceof SinglePartitioner) {
            b.setSingle(UNIT);
        } else if (p instanceof ForwardPartitioner) {
            b.setForward(UNIT);
        } else if (p instanceof Partitioners.Described d) {
            b.setDescribed(PartitionerProto.Described.newBuilder().setDescription(d.description())
                    .setFn(encode(d.fn(), enc)));
        } else {
            b.setUser(UserObjects.encode(p, enc));
        }
        return b.build();
    }

    static Partitioner decode(PartitionerProto p, Decoding dec) {
        return switch (p.getKindCase()) {
            case HASH -> Partitioners.hash(p.getHash().getColumnsList().toArray(String[]::new));
            case RANGE -> range(p.getRange());
            case BROADCAST -> Partitioners.broadcast();
            case ROUND_ROBIN -> Partitioners.roundRobin();
            case SINGLE -> Partitioners.single();
            case FORWARD -> Partitioners.forward();
            case DESCRIBED -> Partitioners.custom(p.getDescribed().getDescription(),
                    decode(p.getDescribed().getFn(), dec));
            case USER -> UserObjects.decode(p.getUser(), Partitioner.class, "partitioner", dec);
            case KIND_NOT_SET -> throw invalid("a partitioner has no kind");
        };
    }

    private static RangePartitioner range(PartitionerProto.Range r) {
        List<Object> values = new ArrayList<>(r.getBoundariesCount());
        r.getBoundariesList().forEach(v -> values.add(value(v)));
        String column = r.getColumn();
        try {
            return switch (r.getBoundaryType()) {
                case LONG -> Partitioners.range(column, values.stream().mapToLong(v -> (Long) v).toArray());
                case DOUBLE -> Partitioners.range(column, values.stream().mapToDouble(v -> (Double) v).toArray());
                case DECIMAL -> Partitioners.range(column, values.toArray(BigDecimal[]::new));
                case STRING -> Partitioners.range(column, values.toArray(String[]::new));
                case DATE -> Partitioners.range(column, values.toArray(LocalDate[]::new));
                case BOUNDARY_TYPE_UNSPECIFIED, UNRECOGNIZED ->
                        throw invalid("range partitioner without boundary type");
            };
        } catch (ClassCastException | ArrayStoreException | NullPointerException e) {
            throw invalid("range boundaries " + values + " are not all " + r.getBoundaryType());
        }
    }
}
