package dev.numbat.core.expr;

import java.util.Objects;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Several {@link CompiledExpr}s evaluated over one batch: each input column is read from Arrow once and
 * shared by all of them (a filter and the projections after it, say). Valid while the batch is open; use
 * from one thread.
 */
public final class Evaluation {
    private final Ctx ctx;

    public Evaluation(VectorSchemaRoot input) {
        this.ctx = new Ctx(Objects.requireNonNull(input, "input"));
    }

    public int rowCount() {
        return ctx.rowCount;
    }

    /** As {@link CompiledExpr#select}: the rows where the BOOLEAN {@code filter} is TRUE; returns how many. */
    public int select(CompiledExpr filter, int[] selection) {
        Node node = node(filter);
        checkBoolean(node);
        if (selection.length < ctx.rowCount) {
            throw new IllegalArgumentException("selection of length " + selection.length + " for "
                    + ctx.rowCount + " rows");
        }
        return node.select(ctx, ctx.all(), ctx.rowCount, selection);
    }

    /** As {@link CompiledExpr#evaluate(VectorSchemaRoot, BufferAllocator, String)}. */
    public FieldVector evaluate(CompiledExpr expr, BufferAllocator allocator, String name) {
        return evaluate(expr, ctx.all(), ctx.rowCount, allocator, name);
    }

    /** As {@link CompiledExpr#evaluate(VectorSchemaRoot, int[], int, BufferAllocator, String)}. */
    public FieldVector evaluate(CompiledExpr expr, int[] selection, int count, BufferAllocator allocator, String name) {
        Node node = node(expr);
        if (count < 0 || count > selection.length || count > ctx.rowCount) {
            throw new IllegalArgumentException("count " + count);
        }
        Col c = node.eval(ctx, selection, count);
        return VectorWriter.write(c, selection, count, node.type, node.nullable, name, allocator);
    }

    static void checkBoolean(Node node) {
        if (!(node.type instanceof org.apache.arrow.vector.types.pojo.ArrowType.Bool)) {
            throw new IllegalArgumentException("select() needs a BOOLEAN expression, not " + Kinds.name(node.type));
        }
    }

    private static Node node(CompiledExpr e) {
        if (e instanceof ExprCompiler.Compiled c) {
            return c.node();
        }
        return ExprCompiler.compileNode(e.expr());
    }
}
