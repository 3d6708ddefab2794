package dev.numbat.cluster.codec;

import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.numbat.cluster.codec.UserObjects.Decoding;
import dev.numbat.cluster.codec.UserObjects.Encoding;
import dev.numbat.cluster.proto.EdgeProto;
import dev.numbat.cluster.proto.NodeProto;
import dev.numbat.cluster.proto.TaskGraphProto;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.runtime.TaskGraph;
import java.io.IOException;
import java.util.Collections;
import java.util.Set;

/**
 * A {@link TaskGraph} as a protobuf message ({@code plan.proto}), so that plans travel between processes
 * without Java serialization.
 *
 * <p>Built-in operators, sources and partitioners (those of numbat-core, -io, -operators and the planner)
 * are encoded field by field, expressions as trees, Arrow schemas as IPC schema messages, in-memory batches
 * as Arrow IPC streams. Anything else, i.e. user code (a user's operator factory, source, partitioner or
 * join filter, also inside a built-in such as {@code Partitioners.custom} or a hash join's filter), is
 * Java-serialized into a {@code UserObject}; a receiver reads those only when it allows user code, resolving
 * their classes through the class loader it gives (the one holding the job's jars). Classes of modules above
 * this one (the client's, the benchmarks') are unknown here and so count as user code too.
 *
 * <p>Decoding rebuilds equivalent objects, not the same classes in every case: an {@code InMemorySource}
 * arrives as an {@link ArrowBatchesSource}, and a CSV source whose schema was inferred arrives with that
 * schema given explicitly, so that executors read the types the planner saw. Encoding a decoded graph gives
 * the same message again. Thread-safe (stateless).
 */
public final class PlanCodec {
    /** Expressions nest deeply (left-deep arithmetic, nested CASE); protobuf's default limit is 100. */
    private static final int RECURSION_LIMIT = 2_000;

    private PlanCodec() {
    }

    /**
     * The message of {@code g}.
     *
     * @throws NumbatException USER_ERROR when a user object is not serializable or a value has no encoding
     */
    public static TaskGraphProto toProto(TaskGraph g) {
        return toProto(g, new Encoding(false));
    }

    /**
     * The graph {@code p} describes.
     *
     * @param userCode      the class loader user objects are read with (the job's jars); null for this
     *                      class's own loader
     * @param allowUserCode false to refuse any user object (NumbatException USER_ERROR)
     * @throws NumbatException USER_ERROR for a malformed message, refused or unreadable user code
     */
    public static TaskGraph fromProto(TaskGraphProto p, ClassLoader userCode, boolean allowUserCode) {
        Decoding dec = new Decoding(userCode != null ? userCode : PlanCodec.class.getClassLoader(), allowUserCode);
        TaskGraph.Builder b = TaskGraph.builder();
        try {
            for (int i = 0; i < p.getNodesCount(); i++) {
                NodeProto n = p.getNodes(i);
                if (n.getId() != i) {
                    throw ExprCodec.invalid("node " + i + " has id " + n.getId());
                }
                switch (n.getKindCase()) {
                    case SOURCE -> b.source(n.getName(), SourceCodec.decode(n.getSource(), dec), n.getChannels());
                    case OPERATOR -> b.operator(n.getName(), OperatorCodec.decode(n.getOperator(), dec),
                            n.getChannels());
                    case KIND_NOT_SET -> throw ExprCodec.invalid("node " + i + " is neither a source nor an operator");
                }
            }
            for (EdgeProto e : p.getEdgesList()) {
                b.connect(e.getFrom(), e.getTo(), e.getInput(), PartitionerCodec.decode(e.getPartitioner(), dec),
                        e.getNeedsWholeInput());
            }
            if (p.getOutput() >= 0) {
                b.output(p.getOutput());
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            // what the graph's and the factories' constructors say of values no encoder would send
            throw new NumbatException(ErrorCode.USER_ERROR, "invalid plan: " + e.getMessage(), e);
        }
    }

    /** {@code toProto(g).toByteArray()}. */
    public static byte[] encode(TaskGraph g) {
        return toProto(g).toByteArray();
    }

    /** {@link #fromProto} of the message in {@code bytes}. */
    public static TaskGraph decode(byte[] bytes, ClassLoader userCode, boolean allowUserCode) {
        TaskGraphProto p;
        try {
            CodedInputStream in = CodedInputStream.newInstance(bytes);
            in.setRecursionLimit(RECURSION_LIMIT);
            p = TaskGraphProto.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new NumbatException(ErrorCode.USER_ERROR, "invalid plan: " + e.getMessage(), e);
        } catch (IOException e) {
            throw NumbatException.internal("cannot read a plan from memory", e);
        }
        return fromProto(p, userCode, allowUserCode);
    }

    /**
     * The classes of the user objects in {@code g} (for a lambda, the class that defined it), so that a
     * client can find the jars to ship with the job. Empty for plans of built-ins only.
     */
    public static Set<Class<?>> userClasses(TaskGraph g) {
        Encoding enc = new Encoding(true);
        toProto(g, enc);
        return Collections.unmodifiableSet(enc.userClasses);
    }

    private static TaskGraphProto toProto(TaskGraph g, Encoding enc) {
        TaskGraphProto.Builder b = TaskGraphProto.newBuilder().setOutput(g.output());
        for (TaskGraph.Node n : g.nodes()) {
            NodeProto.Builder nb = NodeProto.newBuilder().setId(n.id()).setName(n.name()).setChannels(n.channels());
            if (n.isSource()) {
                nb.setSource(SourceCodec.encode(n.source(), enc));
            } else {
                nb.setOperator(OperatorCodec.encode(n.factory(), enc));
            }
            b.addNodes(nb);
        }
        for (TaskGraph.Edge e : g.edges()) {
            b.addEdges(EdgeProto.newBuilder().setFrom(e.from()).setTo(e.to()).setInput(e.input())
                    .setPartitioner(PartitionerCodec.encode(e.partitioner(), enc))
                    .setNeedsWholeInput(e.needsWholeInput()));
        }
        return b.build();
    }
}
