package dev.numbat.runtime;

import dev.numbat.core.NumbatException;
import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.core.source.Source;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.List;
import java.util.Objects;

/**
 * The physical plan: nodes are sources or operators with a channel count, edges say how a producer's
 * batches are partitioned over a consumer's channels and whether the consumer needs that input whole
 * before it reads its other inputs. One node is the output, whose batches stream to the client.
 * Immutable; build with {@link #builder()}.
 */
public final class TaskGraph {

    /** A node: exactly one of {@code source} and {@code factory} is set. */
    public record Node(int id, String name, Source source, OperatorFactory factory, int channels) {
        public Node {
            Objects.requireNonNull(name, "name");
            if ((source == null) == (factory == null)) {
                throw new IllegalArgumentException("a node is either a source or an operator");
            }
            if (channels < 1) {
                throw NumbatException.userError("node '%s' needs at least one channel, got %d", name, channels);
            }
        }

        public boolean isSource() {
            return source != null;
        }
    }

    /** An edge from {@code from}'s output into input {@code input} of {@code to}. */
    public record Edge(int from, int to, int input, Partitioner partitioner, boolean needsWholeInput) {
        public Edge {
            Objects.requireNonNull(partitioner, "partitioner");
        }
    }

    private final List<Node> nodes;
    private final List<Edge> edges;
    private final int output;
    private final Map<Integer, Set<String>> placementTags;

    private TaskGraph(List<Node> nodes, List<Edge> edges, int output, Map<Integer, Set<String>> placementTags) {
        this.nodes = List.copyOf(nodes);
        this.edges = List.copyOf(edges);
        this.output = output;
        this.placementTags = Map.copyOf(placementTags);
    }

    /**
     * Placement tags per node id: on a cluster, such a node's channels run only on executors carrying all of
     * its tags (say, "gpu"). Nodes without tags run anywhere.
     */
    public Map<Integer, Set<String>> placementTags() {
        return placementTags;
    }

    public List<Node> nodes() {
        return nodes;
    }

    public List<Edge> edges() {
        return edges;
    }

    /** The node whose output goes to the client, or -1 when results are not collected. */
    public int output() {
        return output;
    }

    public Node node(int id) {
        return nodes.get(id);
    }

    public List<Edge> inputsOf(int node) {
        List<Edge> in = new ArrayList<>();
        for (Edge e : edges) {
            if (e.to() == node) {
                in.add(e);
            }
        }
        in.sort((a, b) -> Integer.compare(a.input(), b.input()));
        return in;
    }

    public List<Edge> outputsOf(int node) {
        List<Edge> out = new ArrayList<>();
        for (Edge e : edges) {
            if (e.from() == node) {
                out.add(e);
            }
        }
        return out;
    }

    /** A readable rendering: one line per node with its channels and inputs. */
    public String explain() {
        StringBuilder sb = new StringBuilder();
        for (Node n : nodes) {
            sb.append('#').append(n.id()).append(' ').append(n.name())
                    .append(" [").append(n.channels()).append(n.channels() == 1 ? " channel]" : " channels]");
            if (n.isSource()) {
                sb.append(" <- ").append(n.source().describe());
            }
            for (Edge e : inputsOf(n.id())) {
                sb.append("\n    input ").append(e.input()).append(" <- #").append(e.from())
                        .append(' ').append(e.partitioner().describe())
                        .append(e.needsWholeInput() ? " (whole input first)" : "");
            }
            if (placementTags.containsKey(n.id())) {
                sb.append("\n    placed on executors tagged ").append(new java.util.TreeSet<>(placementTags.get(n.id())));
            }
            if (n.id() == output) {
                sb.append("\n    output -> client");
            }
            sb.append('\n');
        }
        return sb.toString();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Builds a graph; node ids are assigned in the order nodes are added. */
    public static final class Builder {
        private final List<Node> nodes = new ArrayList<>();
        private final List<Edge> edges = new ArrayList<>();
        private int output = -1;
        private final Map<Integer, Set<String>> tags = new HashMap<>();

        public int source(String name, Source source, int channels) {
            nodes.add(new Node(nodes.size(), name, Objects.requireNonNull(source, "source"), null, channels));
            return nodes.size() - 1;
        }

        public int operator(String name, OperatorFactory factory, int channels) {
            nodes.add(new Node(nodes.size(), name, null, Objects.requireNonNull(factory, "factory"), channels));
            return nodes.size() - 1;
        }

        public Builder connect(int from, int to, int input, Partitioner partitioner, boolean needsWholeInput) {
            check(from);
            check(to);
            if (nodes.get(to).isSource()) {
                throw new IllegalArgumentException("a source has no inputs: " + nodes.get(to).name());
            }
            edges.add(new Edge(from, to, input, partitioner, needsWholeInput));
            return this;
        }

        public Builder connect(int from, int to, Partitioner partitioner) {
            return connect(from, to, 0, partitioner, false);
        }

        public Builder output(int node) {
            check(node);
            output = node;
            return this;
        }

        /** Pins {@code node} to executors carrying all of {@code tags}. */
        public Builder tag(int node, Set<String> nodeTags) {
            check(node);
            if (!nodeTags.isEmpty()) {
                tags.put(node, Set.copyOf(nodeTags));
            }
            return this;
        }

        public TaskGraph build() {
            for (Node n : nodes) {
                if (n.isSource()) {
                    continue;
                }
                List<Integer> ordinals = new ArrayList<>();
                for (Edge e : edges) {
                    if (e.to() == n.id()) {
                        ordinals.add(e.input());
                    }
                }
                ordinals.sort(null);
                for (int i = 0; i < ordinals.size(); i++) {
                    if (ordinals.get(i) != i) {
                        throw new IllegalArgumentException("inputs of " + n.name() + " must be numbered 0.."
                                + (ordinals.size() - 1) + ", got " + ordinals);
                    }
                }
                if (ordinals.isEmpty()) {
                    throw new IllegalArgumentException("operator " + n.name() + " has no input");
                }
            }
            return new TaskGraph(nodes, edges, output, tags);
        }

        private void check(int id) {
            if (id < 0 || id >= nodes.size()) {
                throw new IllegalArgumentException("no node " + id);
            }
        }
    }
}
