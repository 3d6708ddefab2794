package dev.numbat.cluster;

import dev.numbat.runtime.TaskGraph;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/** The schema a task graph's output node produces, when its operators can tell (user operators may not). */
public final class GraphSchemas {
    private GraphSchemas() {
    }

    /** The output node's schema, or null if unknown or the graph has no output. */
    public static Schema output(TaskGraph graph) {
        return graph.output() < 0 ? null : of(graph, graph.output(), 0);
    }

    private static Schema of(TaskGraph graph, int node, int depth) {
        if (depth > graph.nodes().size()) {
            return null;
        }
        TaskGraph.Node n = graph.node(node);
        if (n.isSource()) {
            return n.source().schema();
        }
        List<Schema> inputs = new ArrayList<>();
        for (TaskGraph.Edge e : graph.inputsOf(node)) {
            Schema s = of(graph, e.from(), depth + 1);
            if (s == null) {
                return null;
            }
            inputs.add(s);
        }
        try {
            return n.factory().outputSchema(inputs);
        } catch (RuntimeException | LinkageError e) {
            return null;
        }
    }
}
