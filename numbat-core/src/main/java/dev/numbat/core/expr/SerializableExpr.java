package dev.numbat.core.expr;

import java.io.IOException;
import java.io.Serial;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A Java-serializable form of an {@link Expr}. {@code Expr} declares {@code Serializable}, but Arrow's
 * {@link ArrowType} is not, so an {@code Expr} tree cannot go through an {@code ObjectOutputStream} itself;
 * this holds the same tree with every type as Arrow's JSON form of a one-field schema. Operator factories
 * and {@link CompiledExpr} keep their expressions in this form.
 */
public final class SerializableExpr implements Serializable {
    @Serial
    private static final long serialVersionUID = 1L;

    private final int kind; // 0 column, 1 literal, 2 call
    private final int index;
    private final String type;
    private final boolean nullable;
    private final Serializable value;
    private final Fn fn;
    private final List<SerializableExpr> args;
    private transient Expr expr;

    private SerializableExpr(Expr e) {
        this.expr = e;
        this.type = typeJson(e.type());
        this.nullable = e.nullable();
        if (e instanceof Expr.Column c) {
            kind = 0;
            index = c.index();
            value = null;
            fn = null;
            args = List.of();
        } else if (e instanceof Expr.Literal l) {
            kind = 1;
            index = 0;
            if (l.value() != null && !(l.value() instanceof Serializable)) {
                throw new IllegalArgumentException("literal " + l.value() + " is not serializable");
            }
            value = (Serializable) l.value();
            fn = null;
            args = List.of();
        } else {
            Expr.Call call = (Expr.Call) e;
            kind = 2;
            index = 0;
            value = null;
            fn = call.fn();
            List<SerializableExpr> a = new ArrayList<>(call.args().size());
            for (Expr x : call.args()) {
                a.add(new SerializableExpr(x));
            }
            args = List.copyOf(a);
        }
    }

    /** The serializable form of {@code e}; null for null. */
    public static SerializableExpr of(Expr e) {
        return e == null ? null : new SerializableExpr(e);
    }

    /** Null for null, else the expression. */
    public static Expr exprOf(SerializableExpr s) {
        return s == null ? null : s.expr();
    }

    public Expr expr() {
        Expr e = expr;
        if (e == null) {
            ArrowType t = parseType(type);
            e = switch (kind) {
                case 0 -> new Expr.Column(index, t, nullable);
                case 1 -> new Expr.Literal(value, t);
                default -> {
                    List<Expr> a = new ArrayList<>(args.size());
                    for (SerializableExpr x : args) {
                        a.add(x.expr());
                    }
                    yield new Expr.Call(fn, a, t, nullable);
                }
            };
            expr = e;
        }
        return e;
    }

    private static String typeJson(ArrowType t) {
        Objects.requireNonNull(t, "type");
        return new Schema(List.of(new Field("t", FieldType.nullable(t), null))).toJson();
    }

    private static ArrowType parseType(String json) {
        try {
            return Schema.fromJSON(json).getFields().get(0).getType();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public String toString() {
        return expr().toString();
    }
}
