package dev.numbat.cluster.codec;

import com.google.protobuf.ByteString;
import dev.numbat.cluster.proto.ArrowTypeProto;
import dev.numbat.cluster.proto.ExprProto;
import dev.numbat.cluster.proto.ValueProto;
import dev.numbat.core.NumbatException;
import dev.numbat.core.expr.Expr;
import dev.numbat.core.expr.Fn;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Expressions, Arrow types and schemas, Java values and enums to and from their messages. Shared by the
 * operator, source and partitioner codecs.
 */
final class ExprCodec {
    private ExprCodec() {
    }

    // ---- expressions ---------------------------------------------------------------------------------------

    static ExprProto expr(Expr e) {
        ExprProto.Builder b = ExprProto.newBuilder().setType(type(e.type())).setNullable(e.nullable());
        if (e instanceof Expr.Column c) {
            b.setColumn(c.index());
        } else if (e instanceof Expr.Literal l) {
            b.setLiteral(value(l.value()));
        } else {
            Expr.Call call = (Expr.Call) e;
            b.setCall(protoEnum(ExprProto.Fn.class, call.fn()));
            for (Expr a : call.args()) {
                b.addArgs(expr(a));
            }
        }
        return b.build();
    }

    static Expr expr(ExprProto p) {
        ArrowType type = type(p.getType());
        return switch (p.getKindCase()) {
            case COLUMN -> new Expr.Column(p.getColumn(), type, p.getNullable());
            case LITERAL -> new Expr.Literal(value(p.getLiteral()), type);
            case CALL -> {
                List<Expr> args = new ArrayList<>(p.getArgsCount());
                for (ExprProto a : p.getArgsList()) {
                    args.add(expr(a));
                }
                yield new Expr.Call(javaEnum(Fn.class, p.getCall()), args, type, p.getNullable());
            }
            case KIND_NOT_SET -> throw invalid("an expression has no kind");
        };
    }

    // ---- Arrow types and schemas ---------------------------------------------------------------------------

    static ArrowTypeProto type(ArrowType t) {
        ArrowTypeProto.Builder b = ArrowTypeProto.newBuilder();
        if (t instanceof ArrowType.Null) {
            b.setKind(ArrowTypeProto.Kind.NULL);
        } else if (t instanceof ArrowType.Bool) {
            b.setKind(ArrowTypeProto.Kind.BOOL);
        } else if (t instanceof ArrowType.Int i) {
            b.setKind(ArrowTypeProto.Kind.INT).setBitWidth(i.getBitWidth()).setIsSigned(i.getIsSigned());
        } else if (t instanceof ArrowType.FloatingPoint f) {
            b.setKind(ArrowTypeProto.Kind.FLOATING_POINT).setUnit(f.getPrecision().name());
        } else if (t instanceof ArrowType.Decimal d) {
            b.setKind(ArrowTypeProto.Kind.DECIMAL).setPrecision(d.getPrecision()).setScale(d.getScale())
                    .setBitWidth(d.getBitWidth());
        } else if (t instanceof ArrowType.Utf8) {
            b.setKind(ArrowTypeProto.Kind.UTF8);
        } else if (t instanceof ArrowType.LargeUtf8) {
            b.setKind(ArrowTypeProto.Kind.LARGE_UTF8);
        } else if (t instanceof ArrowType.Binary) {
            b.setKind(ArrowTypeProto.Kind.BINARY);
        } else if (t instanceof ArrowType.LargeBinary) {
            b.setKind(ArrowTypeProto.Kind.LARGE_BINARY);
        } else if (t instanceof ArrowType.Date d) {
            b.setKind(ArrowTypeProto.Kind.DATE).setUnit(d.getUnit().name());
        } else if (t instanceof ArrowType.Time tm) {
            b.setKind(ArrowTypeProto.Kind.TIME).setUnit(tm.getUnit().name()).setBitWidth(tm.getBitWidth());
        } else if (t instanceof ArrowType.Timestamp ts) {
            b.setKind(ArrowTypeProto.Kind.TIMESTAMP).setUnit(ts.getUnit().name());
            if (ts.getTimezone() != null) {
                b.setTimezone(ts.getTimezone());
            }
        } else if (t instanceof ArrowType.Interval i) {
            b.setKind(ArrowTypeProto.Kind.INTERVAL).setUnit(i.getUnit().name());
        } else if (t instanceof ArrowType.Duration d) {
            b.setKind(ArrowTypeProto.Kind.DURATION).setUnit(d.getUnit().name());
        } else {
            b.setKind(ArrowTypeProto.Kind.OTHER)
                    .setOtherSchema(schema(new Schema(List.of(new Field("t", FieldType.nullable(t), null)))));
        }
        return b.build();
    }

    static ArrowType type(ArrowTypeProto p) {
        try {
            return switch (p.getKind()) {
                case NULL -> ArrowType.Null.INSTANCE;
                case BOOL -> ArrowType.Bool.INSTANCE;
                case INT -> new ArrowType.Int(p.getBitWidth(), p.getIsSigned());
                case FLOATING_POINT -> new ArrowType.FloatingPoint(FloatingPointPrecision.valueOf(p.getUnit()));
                case DECIMAL -> new ArrowType.Decimal(p.getPrecision(), p.getScale(), p.getBitWidth());
                case UTF8 -> ArrowType.Utf8.INSTANCE;
                case LARGE_UTF8 -> ArrowType.LargeUtf8.INSTANCE;
                case BINARY -> ArrowType.Binary.INSTANCE;
                case LARGE_BINARY -> ArrowType.LargeBinary.INSTANCE;
                case DATE -> new ArrowType.Date(DateUnit.valueOf(p.getUnit()));
                case TIME -> new ArrowType.Time(TimeUnit.valueOf(p.getUnit()), p.getBitWidth());
                case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.valueOf(p.getUnit()),
                        p.hasTimezone() ? p.getTimezone() : null);
                case INTERVAL -> new ArrowType.Interval(IntervalUnit.valueOf(p.getUnit()));
                case DURATION -> new ArrowType.Duration(TimeUnit.valueOf(p.getUnit()));
                case OTHER -> schema(p.getOtherSchema()).getFields().get(0).getType();
                case KIND_UNSPECIFIED, UNRECOGNIZED -> throw invalid("an Arrow type has no kind");
            };
        } catch (IllegalArgumentException e) {
            throw invalid("bad Arrow type " + p.getKind() + " unit '" + p.getUnit() + "'");
        }
    }

    /** The Arrow IPC schema message of {@code s}. */
    static ByteString schema(Schema s) {
        return ByteString.copyFrom(s.serializeAsMessage());
    }

    static Schema schema(ByteString bytes) {
        try {
            return Schema.deserializeMessage(ByteBuffer.wrap(bytes.toByteArray()));
        } catch (RuntimeException e) {
            throw new NumbatException(dev.numbat.core.ErrorCode.USER_ERROR,
                    "invalid plan: not an Arrow IPC schema (" + e + ")", e);
        }
    }

    // ---- values --------------------------------------------------------------------------------------------

    /** The message of a value of one of the classes {@link ValueProto} lists (null included). */
    static ValueProto value(Object v) {
        ValueProto.Builder b = ValueProto.newBuilder();
        if (v == null) {
            b.setIsNull(true);
        } else if (v instanceof Boolean x) {
            b.setBool(x);
        } else if (v instanceof Byte x) {
            b.setInt8(x);
        } else if (v instanceof Short x) {
            b.setInt16(x);
        } else if (v instanceof Integer x) {
            b.setInt32(x);
        } else if (v instanceof Long x) {
            b.setInt64(x);
        } else if (v instanceof Float x) {
            b.setFloat32(x);
        } else if (v instanceof Double x) {
            b.setFloat64(x);
        } else if (v instanceof BigDecimal x) {
            b.setDecimal(ValueProto.Decimal.newBuilder()
                    .setUnscaled(ByteString.copyFrom(x.unscaledValue().toByteArray())).setScale(x.scale()));
        } else if (v instanceof String x) {
            b.setString(x);
        } else if (v instanceof byte[] x) {
            b.setBinary(ByteString.copyFrom(x));
        } else if (v instanceof LocalDate x) {
            b.setDate(x.toEpochDay());
        } else if (v instanceof LocalDateTime x) {
            b.setDateTime(ValueProto.DateTime.newBuilder().setEpochSecond(x.toEpochSecond(ZoneOffset.UTC))
                    .setNano(x.getNano()));
        } else if (v instanceof Duration x) {
            b.setDuration(ValueProto.Duration.newBuilder().setSeconds(x.getSeconds()).setNanos(x.getNano()));
        } else if (v instanceof Period x) {
            b.setPeriod(ValueProto.Period.newBuilder().setYears(x.getYears()).setMonths(x.getMonths())
                    .setDays(x.getDays()));
        } else {
            throw NumbatException.userError("a value of class %s (%s) cannot be sent in a plan", v.getClass().getName(),
                    v);
        }
        return b.build();
    }

    static Object value(ValueProto p) {
        return switch (p.getKindCase()) {
            case IS_NULL -> null;
            case BOOL -> p.getBool();
            case INT8 -> (byte) p.getInt8();
            case INT16 -> (short) p.getInt16();
            case INT32 -> p.getInt32();
            case INT64 -> p.getInt64();
            case FLOAT32 -> p.getFloat32();
            case FLOAT64 -> p.getFloat64();
            case DECIMAL -> new BigDecimal(new BigInteger(p.getDecimal().getUnscaled().toByteArray()),
                    p.getDecimal().getScale());
            case STRING -> p.getString();
            case BINARY -> p.getBinary().toByteArray();
            case DATE -> LocalDate.ofEpochDay(p.getDate());
            case DATE_TIME -> LocalDateTime.ofEpochSecond(p.getDateTime().getEpochSecond(), p.getDateTime().getNano(),
                    ZoneOffset.UTC);
            case DURATION -> Duration.ofSeconds(p.getDuration().getSeconds(), p.getDuration().getNanos());
            case PERIOD -> Period.of(p.getPeriod().getYears(), p.getPeriod().getMonths(), p.getPeriod().getDays());
            case KIND_NOT_SET -> throw invalid("a value has no kind");
        };
    }

    // ---- enums ---------------------------------------------------------------------------------------------

    /** The proto enum constant named like {@code value}: the messages mirror Java enums by name. */
    static <P extends Enum<P>> P protoEnum(Class<P> type, Enum<?> value) {
        try {
            return Enum.valueOf(type, value.name());
        } catch (IllegalArgumentException e) {
            throw NumbatException.internal("the plan codec has no " + type.getSimpleName() + " for "
                    + value.getDeclaringClass().getSimpleName() + "." + value.name(), e);
        }
    }

    /** The Java enum constant named like the proto constant {@code value}. */
    static <J extends Enum<J>> J javaEnum(Class<J> type, Enum<?> value) {
        try {
            return Enum.valueOf(type, value.name());
        } catch (IllegalArgumentException e) {
            throw invalid("no " + type.getSimpleName() + " " + value.name());
        }
    }

    /** A malformed plan message (a sender bug or a version mismatch). */
    static NumbatException invalid(String what) {
        return NumbatException.userError("invalid plan: %s", what);
    }
}
