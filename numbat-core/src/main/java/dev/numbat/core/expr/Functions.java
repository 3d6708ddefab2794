package dev.numbat.core.expr;

import static dev.numbat.core.expr.ExprCompiler.Builder.arity;
import static dev.numbat.core.expr.ExprCompiler.Builder.mismatch;

import dev.numbat.core.NumbatException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.ArrowType;

/** Compiles the functions beyond arithmetic, comparison and logic: IN, LIKE, CASE, strings, dates, numbers. */
final class Functions {
    private Functions() {
    }

    static Node compile(ExprCompiler.Builder b, Expr.Call call, List<Node> args) {
        ArrowType type = call.type();
        boolean nullable = call.nullable();
        switch (call.fn()) {
            case IN -> {
                arity(call, args, 2, Integer.MAX_VALUE);
                ExprCompiler.Builder.requireBoolean(call);
                Node a = args.get(0);
                ArrowType common = a.type;
                for (Node v : args.subList(1, args.size())) {
                    if (!v.isConstant()) {
                        throw NumbatException.userError("IN takes a list of literals");
                    }
                    common = ExprCompiler.Builder.commonType(common, v.type);
                    if (common == null) {
                        throw mismatch(call, args);
                    }
                }
                Node arg = b.cast(a, common);
                List<Col> values = new ArrayList<>();
                for (Node v : args.subList(1, args.size())) {
                    Node c = b.cast(v, common);
                    if (!c.isConstant()) {
                        throw mismatch(call, args);
                    }
                    values.add(((Node.ConstNode) c).value);
                }
                return new InNode(arg, values, nullable);
            }
            case LIKE -> {
                arity(call, args, 2, 3);
                ExprCompiler.Builder.requireBoolean(call);
                requireString(call, args, 0);
                String pattern = literalString(call, args.get(1));
                String escape = args.size() == 3 ? literalString(call, args.get(2)) : null;
                if (pattern == null) {
                    return b.literal(null, Types.BOOLEAN);
                }
                return new LikeNode(args.get(0), pattern, escape, nullable);
            }
            case CASE -> {
                arity(call, args, 2, Integer.MAX_VALUE);
                List<Node> conds = new ArrayList<>();
                List<Node> values = new ArrayList<>();
                int pairs = args.size() / 2;
                for (int p = 0; p < pairs; p++) {
                    Node c = args.get(2 * p);
                    if (!(c.type instanceof ArrowType.Bool) && !(c.type instanceof ArrowType.Null)) {
                        throw mismatch(call, args);
                    }
                    conds.add(c);
                    values.add(castValue(b, call, args, args.get(2 * p + 1), type));
                }
                Node otherwise = args.size() % 2 == 1 ? castValue(b, call, args, args.get(args.size() - 1), type)
                        : null;
                return new Conditionals.Case(conds, values, otherwise, type, nullable);
            }
            case COALESCE -> {
                arity(call, args, 1, Integer.MAX_VALUE);
                List<Node> vs = new ArrayList<>();
                for (Node a : args) {
                    vs.add(castValue(b, call, args, a, type));
                }
                return new Conditionals.Coalesce(vs, type, nullable);
            }
            case NULLIF -> {
                arity(call, args, 2, 2);
                Node eq = b.compare(call, Fn.EQ, args.get(0), args.get(1), true);
                return new Conditionals.NullIf(castValue(b, call, args, args.get(0), type), eq, type);
            }
            case SUBSTRING -> {
                arity(call, args, 2, 3);
                requireString(call, args, 0);
                requireStringResult(call, args);
                for (int i = 1; i < args.size(); i++) {
                    if (!(args.get(i).type instanceof ArrowType.Int) && !(args.get(i).type instanceof ArrowType.Null)) {
                        throw mismatch(call, args);
                    }
                }
                Node len = args.size() == 3 ? b.cast(args.get(2), Types.BIGINT) : null;
                return new StringNodes.Substring(args.get(0), b.cast(args.get(1), Types.BIGINT), len, type, nullable);
            }
            case UPPER, LOWER, TRIM, LTRIM, RTRIM -> {
                arity(call, args, 1, 1);
                requireString(call, args, 0);
                requireStringResult(call, args);
                return new StringNodes.Unary(call.fn(), args.get(0), type, nullable);
            }
            case CHAR_LENGTH -> {
                arity(call, args, 1, 1);
                requireString(call, args, 0);
                if (!(type instanceof ArrowType.Int)) {
                    throw mismatch(call, args);
                }
                return new StringNodes.Unary(call.fn(), args.get(0), type, nullable);
            }
            case CONCAT -> {
                arity(call, args, 1, Integer.MAX_VALUE);
                requireStringResult(call, args);
                List<Node> strs = new ArrayList<>();
                for (Node a : args) {
                    strs.add(b.cast(a, Types.VARCHAR));
                }
                return new StringNodes.Concat(strs, type, nullable);
            }
            case POSITION, STARTS_WITH -> {
                arity(call, args, 2, 2);
                requireString(call, args, 0);
                requireString(call, args, 1);
                if (call.fn() == Fn.POSITION ? !(type instanceof ArrowType.Int) : !(type instanceof ArrowType.Bool)) {
                    throw mismatch(call, args);
                }
                return new StringNodes.Binary(call.fn(), args.get(0), args.get(1), type, nullable);
            }
            case EXTRACT, DATE_TRUNC -> {
                arity(call, args, 2, 2);
                String unit = literalString(call, args.get(0));
                Node d = args.get(1);
                if (unit == null || !Kinds.isTemporal(d.type)) {
                    throw mismatch(call, args);
                }
                DateNodes.Unit u = DateNodes.unit(call.fn(), unit, d.type instanceof ArrowType.Timestamp);
                if (call.fn() == Fn.EXTRACT) {
                    if (!Kinds.isNumeric(type)) {
                        throw mismatch(call, args);
                    }
                    return b.cast(new DateNodes.Extract(u, d), type, nullable);
                }
                if (!Kinds.isTemporal(type)) {
                    throw mismatch(call, args);
                }
                return new DateNodes.Trunc(u, d, type, nullable);
            }
            case ABS, ROUND, FLOOR, CEIL -> {
                arity(call, args, 1, call.fn() == Fn.ROUND ? 2 : 1);
                Node x = args.get(0);
                if (!Kinds.isNumeric(x.type) || !Kinds.isNumeric(type)) {
                    throw mismatch(call, args);
                }
                int digits = 0;
                if (args.size() == 2) {
                    Node d = args.get(1);
                    if (!(d instanceof Node.ConstNode c) || !(d.type instanceof ArrowType.Int) || c.isNullValue()) {
                        throw NumbatException.userError("ROUND takes a literal INTEGER number of digits");
                    }
                    digits = Math.toIntExact(c.value.longs[0]);
                }
                if (x.type instanceof ArrowType.Int && (call.fn() == Fn.FLOOR || call.fn() == Fn.CEIL)) {
                    return b.cast(x, type, nullable);
                }
                // DOUBLE results of a DECIMAL argument are computed in DOUBLE (as the caller asked).
                Node in = type instanceof ArrowType.FloatingPoint ? b.cast(x, Types.DOUBLE) : x;
                return b.cast(new NumberNodes.Rounding(call.fn(), in, digits), type, nullable);
            }
            default -> throw NumbatException.userError("function %s is not supported", call.fn());
        }
    }

    private static Node castValue(ExprCompiler.Builder b, Expr.Call call, List<Node> args, Node v, ArrowType type) {
        if (v.type instanceof ArrowType.Null || ExprCompiler.Builder.sameRepresentation(v.type, type)) {
            return v.type instanceof ArrowType.Null ? b.literal(null, type) : v;
        }
        if (!CastNode.supported(v.type, type)) {
            throw mismatch(call, args);
        }
        return b.cast(v, type);
    }

    private static void requireString(Expr.Call call, List<Node> args, int i) {
        ArrowType t = args.get(i).type;
        if (!Kinds.isString(t) && !(t instanceof ArrowType.Null)) {
            throw mismatch(call, args);
        }
    }

    private static void requireStringResult(Expr.Call call, List<Node> args) {
        if (!Kinds.isString(call.type())) {
            throw mismatch(call, args);
        }
    }

    private static String literalString(Expr.Call call, Node n) {
        if (!(n instanceof Node.ConstNode c) || c.value.kind != Col.Kind.BYTES && !c.isNullValue()) {
            throw NumbatException.userError("%s needs a literal string argument", call.fn());
        }
        return c.isNullValue() ? null : c.value.string(0);
    }
}
