package dev.numbat.core.expr;

import dev.numbat.core.NumbatException;
import java.io.ObjectStreamException;
import java.io.Serial;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.Period;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Turns an {@link Expr} into a {@link CompiledExpr}: checks every call's arity and argument types (a
 * USER_ERROR naming the function and the types on mismatch), inserts the conversions the call's types imply
 * (INTEGER to DECIMAL or DOUBLE, DATE to TIMESTAMP, decimal rescaling), compiles LIKE patterns and IN lists
 * once, and folds calls whose arguments are all literals.
 *
 * <p>Type rules, following the type on each node (the planner derives them, following Calcite):
 * <ul>
 *   <li>Arithmetic computes in the call's type: BIGINT/INTEGER (checked, "BIGINT overflow"), DOUBLE, or
 *       DECIMAL as scaled longs. For a DECIMAL result, INTEGER arguments are DECIMAL(19, 0) and DOUBLE
 *       arguments are converted to the result scale; PLUS/MINUS/MOD rescale both arguments to the result
 *       scale, TIMES and DIVIDE use the operand scales and round the exact result half away from zero.
 *       Values of DECIMAL(p > 18) are longs while they fit and BigInteger beyond; a result beyond 38 digits
 *       is a USER_ERROR "DECIMAL overflow".</li>
 *   <li>Comparisons convert both sides to the wider type: INTEGER &lt; DECIMAL (the larger scale) &lt;
 *       DOUBLE; DATE &lt; TIMESTAMP; a VARCHAR compared with a number or date is cast to it. Strings compare
 *       as unsigned bytes (UTF-8 code point order).</li>
 * </ul>
 */
public final class ExprCompiler {
    private ExprCompiler() {
    }

    /** Validates argument types/arity (NumbatException USER_ERROR naming the function and the types on mismatch) and returns an evaluator. */
    public static CompiledExpr compile(Expr expr) {
        Objects.requireNonNull(expr, "expr");
        return new Compiled(expr, compileNode(expr));
    }

    static Node compileNode(Expr expr) {
        return new ExprCompiler.Builder().build(expr);
    }

    /** The compiled form: the expression and its node tree (rebuilt after deserialisation). */
    static final class Compiled implements CompiledExpr {
        @Serial
        private static final long serialVersionUID = 1L;

        private final transient Expr expr;
        private final transient Node node;

        Compiled(Expr expr, Node node) {
            this.expr = expr;
            this.node = node;
        }

        Node node() {
            return node;
        }

        /** {@link Expr} holds Arrow types, which are not serializable: travel as a {@link SerializableExpr}. */
        @Serial
        private Object writeReplace() throws ObjectStreamException {
            return new Form(SerializableExpr.of(expr));
        }

        private record Form(SerializableExpr expr) implements java.io.Serializable {
            @Serial
            private Object readResolve() throws ObjectStreamException {
                return compile(expr.expr());
            }
        }

        @Override
        public Expr expr() {
            return expr;
        }

        @Override
        public FieldVector evaluate(VectorSchemaRoot input, BufferAllocator allocator, String name) {
            return new Evaluation(input).evaluate(this, allocator, name);
        }

        @Override
        public FieldVector evaluate(VectorSchemaRoot input, int[] selection, int count, BufferAllocator allocator,
                                    String name) {
            return new Evaluation(input).evaluate(this, selection, count, allocator, name);
        }

        @Override
        public int select(VectorSchemaRoot input, int[] selection) {
            return new Evaluation(input).select(this, selection);
        }

        @Override
        public String toString() {
            return "Compiled[" + expr + "]";
        }
    }

    // ------------------------------------------------------------------------------------------- building

    static final class Builder {
        Node build(Expr e) {
            if (e instanceof Expr.Column c) {
                Kinds.kind(c.type());
                return new Node.ColumnNode(c.index(), c.type(), c.nullable());
            }
            if (e instanceof Expr.Literal l) {
                return literal(l.value(), l.type());
            }
            Expr.Call call = (Expr.Call) e;
            List<Node> args = new ArrayList<>(call.args().size());
            for (Expr a : call.args()) {
                args.add(build(a));
            }
            Node node = call(call, args);
            return fold(node, args);
        }

        private Node call(Expr.Call call, List<Node> args) {
            Fn fn = call.fn();
            ArrowType type = call.type();
            boolean nullable = call.nullable();
            Kinds.kind(type);
            switch (fn) {
                case PLUS, MINUS, TIMES, DIVIDE, MOD -> {
                    arity(call, args, 2, 2);
                    Node a = args.get(0);
                    Node b = args.get(1);
                    if (fn == Fn.PLUS || fn == Fn.MINUS) {
                        Node d = dateArith(call, a, b);
                        if (d != null) {
                            return d;
                        }
                    }
                    requireNumeric(call, args);
                    return arith(fn, a, b, type, nullable);
                }
                case NEGATE -> {
                    arity(call, args, 1, 1);
                    requireNumeric(call, args);
                    Node zero = literal(Kinds.isInteger(type) ? (Object) 0L
                            : type instanceof ArrowType.Decimal ? (Object) BigDecimal.ZERO : (Object) 0.0, type);
                    return arith(Fn.MINUS, zero, args.get(0), type, nullable);
                }
                case EQ, NE, LT, LE, GT, GE -> {
                    arity(call, args, 2, 2);
                    requireBoolean(call);
                    return compare(call, fn, args.get(0), args.get(1), nullable);
                }
                case BETWEEN -> {
                    arity(call, args, 3, 3);
                    requireBoolean(call);
                    Node lo = compare(call, Fn.GE, args.get(0), args.get(1), nullable);
                    Node hi = compare(call, Fn.LE, args.get(0), args.get(2), nullable);
                    return new LogicNodes.Junction(true, List.of(lo, hi), nullable);
                }
                case AND, OR -> {
                    arity(call, args, 1, Integer.MAX_VALUE);
                    requireBoolean(call);
                    requireAllBoolean(call, args);
                    return new LogicNodes.Junction(fn == Fn.AND, args, nullable);
                }
                case NOT, IS_TRUE, IS_FALSE, IS_NOT_TRUE, IS_NOT_FALSE -> {
                    arity(call, args, 1, 1);
                    requireBoolean(call);
                    requireAllBoolean(call, args);
                    return new LogicNodes.Unary(fn, args.get(0), nullable);
                }
                case IS_NULL, IS_NOT_NULL -> {
                    arity(call, args, 1, 1);
                    requireBoolean(call);
                    return new LogicNodes.Unary(fn, args.get(0), nullable);
                }
                case CAST -> {
                    arity(call, args, 1, 1);
                    Node a = args.get(0);
                    if (!CastNode.supported(a.type, type)) {
                        throw mismatch(call, args);
                    }
                    if (!a.type.equals(type) && sameRepresentation(a.type, type)) {
                        // Same values, but the result must carry the cast's type (INT -> BIGINT writes a BIGINT).
                        return fold(new CastNode(a, type, nullable), List.of(a));
                    }
                    return cast(a, type, nullable);
                }
                default -> {
                    return Functions.compile(this, call, args);
                }
            }
        }

        // ---------------------------------------------------------------- helpers used by Functions too

        Node literal(Object value, ArrowType type) {
            Col.Kind kind = Kinds.kind(type);
            if (value == null) {
                return new Node.ConstNode(Col.nullConstant(kind, Kinds.scale(type)), type, true);
            }
            Col c;
            try {
                c = switch (type.getTypeID()) {
                    case Bool -> Col.constantBool((Boolean) value);
                    case Int -> Col.constantLong(integral(value));
                    case FloatingPoint -> Col.constantDouble(((Number) value).doubleValue());
                    case Decimal -> Col.constantDecimal(value instanceof BigDecimal d ? d
                            : new BigDecimal(value.toString()), Kinds.scale(type));
                    case Utf8, LargeUtf8 -> Col.constantBytes(value.toString().getBytes(StandardCharsets.UTF_8));
                    case Binary -> Col.constantBytes((byte[]) value);
                    case Date -> Col.constantLong(value instanceof LocalDate d ? d.toEpochDay() : integral(value));
                    case Timestamp -> Col.constantLong(value instanceof LocalDateTime t
                            ? ChronoUnit.MICROS.between(java.time.Instant.EPOCH, t.toInstant(ZoneOffset.UTC))
                            : integral(value));
                    case Interval -> Col.constantLong(value instanceof Duration d ? d.toNanos() / 1000
                            : value instanceof Period p ? p.toTotalMonths() : integral(value));
                    default -> throw NumbatException.userError("literals of type %s are not supported", type);
                };
            } catch (ClassCastException | ArithmeticException | NumberFormatException ex) {
                throw NumbatException.userError("literal %s (%s) does not match its type %s", value,
                        value.getClass().getSimpleName(), Kinds.name(type));
            }
            return new Node.ConstNode(c, type, false);
        }

        private static long integral(Object value) {
            if (value instanceof BigDecimal d) {
                return d.longValueExact();
            }
            if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
                return ((Number) value).longValue();
            }
            throw new ClassCastException(value.getClass().getName());
        }

        /** {@code node} converted to {@code type} (itself when it already has that representation). */
        Node cast(Node node, ArrowType type, boolean nullable) {
            if (sameRepresentation(node.type, type)) {
                return node;
            }
            return fold(new CastNode(node, type, nullable), List.of(node));
        }

        Node cast(Node node, ArrowType type) {
            return cast(node, type, node.nullable);
        }

        static boolean sameRepresentation(ArrowType a, ArrowType b) {
            if (a.equals(b)) {
                return true;
            }
            Col.Kind ka = Kinds.kind(a);
            if (ka != Kinds.kind(b)) {
                return false;
            }
            return switch (ka) {
                case DECIMAL -> Kinds.scale(a) == Kinds.scale(b);
                case LONG -> a.getTypeID() == b.getTypeID() && !(a instanceof ArrowType.Int ai
                        && ((ArrowType.Int) b).getBitWidth() < ai.getBitWidth());
                case BYTES -> true;
                default -> true;
            };
        }

        Node fold(Node node, List<Node> args) {
            if (node.isConstant() || args.isEmpty()) {
                return node;
            }
            for (Node a : args) {
                if (!a.isConstant()) {
                    return node;
                }
            }
            try {
                Col c = node.eval(new Ctx(), new int[] {0}, 1);
                c.constant = true;
                return new Node.ConstNode(c, node.type, node.nullable);
            } catch (NumbatException e) {
                return node; // raise it when (and if) a row reaches it
            }
        }

        /** The type two comparable operands are converted to, or null if they do not compare. */
        static ArrowType commonType(ArrowType a, ArrowType b) {
            if (a instanceof ArrowType.Null) {
                return b;
            }
            if (b instanceof ArrowType.Null) {
                return a;
            }
            if (Kinds.isNumeric(a) && Kinds.isNumeric(b)) {
                if (a instanceof ArrowType.FloatingPoint || b instanceof ArrowType.FloatingPoint) {
                    return Types.DOUBLE;
                }
                if (a instanceof ArrowType.Decimal || b instanceof ArrowType.Decimal) {
                    return Types.decimal(38, Math.max(Kinds.scale(a), Kinds.scale(b)));
                }
                return Types.BIGINT;
            }
            if (Kinds.isString(a) && Kinds.isString(b)) {
                return a;
            }
            if (Kinds.isTemporal(a) && Kinds.isTemporal(b)) {
                return a instanceof ArrowType.Timestamp || b instanceof ArrowType.Timestamp ? Types.TIMESTAMP : a;
            }
            if (Kinds.isString(a) && (Kinds.isTemporal(b) || Kinds.isNumeric(b))) {
                return b;
            }
            if (Kinds.isString(b) && (Kinds.isTemporal(a) || Kinds.isNumeric(a))) {
                return a;
            }
            if (a instanceof ArrowType.Bool && b instanceof ArrowType.Bool) {
                return a;
            }
            return null;
        }

        Node compare(Expr.Call call, Fn fn, Node a, Node b, boolean nullable) {
            ArrowType common = commonType(a.type, b.type);
            if (common == null) {
                throw mismatch(call, List.of(a, b));
            }
            Node x = cast(a, common);
            Node y = cast(b, common);
            if (x.isConstant() && !y.isConstant()) {
                // Keep the column on the left; flip the operator.
                Fn flipped = switch (fn) {
                    case LT -> Fn.GT;
                    case LE -> Fn.GE;
                    case GT -> Fn.LT;
                    case GE -> Fn.LE;
                    default -> fn;
                };
                return new CompareNode(y, x, CompareNode.mask(flipped), nullable);
            }
            return new CompareNode(x, y, CompareNode.mask(fn), nullable);
        }

        Node arith(Fn fn, Node a, Node b, ArrowType type, boolean nullable) {
            ArrowType argType;
            if (type instanceof ArrowType.Int) {
                argType = Types.BIGINT;
                return new ArithNode(fn, cast(a, argType), cast(b, argType), type, nullable);
            }
            if (type instanceof ArrowType.FloatingPoint) {
                return new ArithNode(fn, cast(a, Types.DOUBLE), cast(b, Types.DOUBLE), type, nullable);
            }
            if (type instanceof ArrowType.Decimal) {
                return new ArithNode(fn, toDecimal(a, type), toDecimal(b, type), type, nullable);
            }
            throw NumbatException.userError("%s cannot produce %s", fn, Kinds.name(type));
        }

        private Node toDecimal(Node a, ArrowType result) {
            if (a.type instanceof ArrowType.Decimal) {
                return a;
            }
            if (a.type instanceof ArrowType.Int) {
                return cast(a, Types.decimal(19, 0));
            }
            return cast(a, Types.decimal(38, Kinds.scale(result)));
        }

        private Node dateArith(Expr.Call call, Node a, Node b) {
            boolean ta = Kinds.isTemporal(a.type);
            boolean tb = Kinds.isTemporal(b.type);
            boolean ia = a.type instanceof ArrowType.Interval;
            boolean ib = b.type instanceof ArrowType.Interval;
            if (!ta && !tb && !ia && !ib) {
                return null;
            }
            ArrowType type = call.type();
            boolean nullable = call.nullable();
            if (call.fn() == Fn.MINUS && ta && tb) {
                if (!(a.type instanceof ArrowType.Date && b.type instanceof ArrowType.Date)) {
                    throw mismatch(call, List.of(a, b));
                }
                return new DateArithNode(DateArithNode.Op.DAYS_BETWEEN, a, b, false, type, nullable);
            }
            Node t;
            Node iv;
            if (ta && ib) {
                t = a;
                iv = b;
            } else if (ia && tb && call.fn() == Fn.PLUS) {
                t = b;
                iv = a;
            } else {
                throw mismatch(call, List.of(a, b));
            }
            boolean months = ((ArrowType.Interval) iv.type).getUnit()
                    == org.apache.arrow.vector.types.IntervalUnit.YEAR_MONTH;
            if (!Kinds.isTemporal(type)) {
                throw mismatch(call, List.of(a, b));
            }
            return new DateArithNode(months ? DateArithNode.Op.PLUS_MONTHS : DateArithNode.Op.PLUS_MICROS, t, iv,
                    call.fn() == Fn.MINUS, type, nullable);
        }

        // ---------------------------------------------------------------- validation

        static void arity(Expr.Call call, List<Node> args, int min, int max) {
            if (args.size() < min || args.size() > max) {
                throw NumbatException.userError("%s takes %s arguments, not %d", call.fn(),
                        min == max ? Integer.toString(min) : max == Integer.MAX_VALUE ? min + " or more"
                                : min + " to " + max, args.size());
            }
        }

        static void requireNumeric(Expr.Call call, List<Node> args) {
            for (Node a : args) {
                if (!Kinds.isNumeric(a.type) && !(a.type instanceof ArrowType.Null)) {
                    throw mismatch(call, args);
                }
            }
            if (!Kinds.isNumeric(call.type())) {
                throw mismatch(call, args);
            }
        }

        static void requireBoolean(Expr.Call call) {
            if (!(call.type() instanceof ArrowType.Bool)) {
                throw NumbatException.userError("%s returns BOOLEAN, not %s", call.fn(), Kinds.name(call.type()));
            }
        }

        static void requireAllBoolean(Expr.Call call, List<Node> args) {
            for (Node a : args) {
                if (!(a.type instanceof ArrowType.Bool) && !(a.type instanceof ArrowType.Null)) {
                    throw mismatch(call, args);
                }
            }
        }

        static NumbatException mismatch(Expr.Call call, List<Node> args) {
            StringBuilder sb = new StringBuilder();
            for (Node a : args) {
                if (sb.length() > 0) {
                    sb.append(", ");
                }
                sb.append(Kinds.name(a.type));
            }
            return NumbatException.userError("%s does not accept arguments (%s) with result type %s", call.fn(), sb,
                    Kinds.name(call.type()));
        }
    }
}
