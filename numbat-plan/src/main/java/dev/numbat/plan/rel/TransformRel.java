package dev.numbat.plan.rel;

import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioner;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.calcite.plan.RelOptCluster;
import org.apache.calcite.plan.RelTraitSet;
import org.apache.calcite.rel.AbstractRelNode;
import org.apache.calcite.rel.RelNode;
import org.apache.calcite.rel.RelWriter;
import org.apache.calcite.rel.type.RelDataType;

/**
 * A user's stateful operator inside a logical plan, so that user operators and relational steps form one
 * plan: Calcite's rules optimise around it (they treat it as opaque), and the physical planner turns it into
 * an operator node with the user's partitioners and channel count.
 *
 * <p>{@code channels} of {@link #SAME_AS_INPUT} runs the operator on its first input's channels, forwarding
 * batches without repartitioning. The row type comes from {@link OperatorFactory#outputSchema}; an operator
 * that does not declare one has an empty row type and can only be followed by a sink.
 */
public final class TransformRel extends AbstractRelNode {
    public static final int SAME_AS_INPUT = -1;

    private List<RelNode> inputs;
    private final OperatorFactory factory;
    private final List<Partitioner> partitioners;
    private final List<Boolean> needsWholeInput;
    private final int channels;
    private final boolean declaredRowType;
    private final java.util.Set<String> placementTags;

    public TransformRel(RelOptCluster cluster, RelTraitSet traits, List<RelNode> inputs, OperatorFactory factory,
            List<Partitioner> partitioners, List<Boolean> needsWholeInput, int channels, RelDataType rowType,
            boolean declaredRowType) {
        this(cluster, traits, inputs, factory, partitioners, needsWholeInput, channels, rowType, declaredRowType,
                java.util.Set.of());
    }

    /** @param placementTags on a cluster, the operator runs only on executors carrying all of these tags */
    public TransformRel(RelOptCluster cluster, RelTraitSet traits, List<RelNode> inputs, OperatorFactory factory,
            List<Partitioner> partitioners, List<Boolean> needsWholeInput, int channels, RelDataType rowType,
            boolean declaredRowType, java.util.Set<String> placementTags) {
        super(cluster, traits);
        this.placementTags = java.util.Set.copyOf(placementTags);
        this.inputs = new ArrayList<>(inputs);
        this.factory = Objects.requireNonNull(factory, "factory");
        this.partitioners = List.copyOf(partitioners);
        this.needsWholeInput = List.copyOf(needsWholeInput);
        this.channels = channels;
        this.rowType = Objects.requireNonNull(rowType, "rowType");
        this.declaredRowType = declaredRowType;
        if (partitioners.size() != inputs.size() || needsWholeInput.size() != inputs.size()) {
            throw new IllegalArgumentException("one partitioner and one needs-whole flag per input");
        }
    }

    public OperatorFactory factory() {
        return factory;
    }

    public List<Partitioner> partitioners() {
        return partitioners;
    }

    public List<Boolean> needsWholeInput() {
        return needsWholeInput;
    }

    public int channels() {
        return channels;
    }

    public java.util.Set<String> placementTags() {
        return placementTags;
    }

    /** False when the operator did not declare its output schema (its row type is empty). */
    public boolean declaredRowType() {
        return declaredRowType;
    }

    @Override
    public List<RelNode> getInputs() {
        return inputs;
    }

    @Override
    public void replaceInput(int ordinalInParent, RelNode p) {
        inputs.set(ordinalInParent, p);
        recomputeDigest();
    }

    @Override
    protected RelDataType deriveRowType() {
        return rowType;
    }

    @Override
    public RelNode copy(RelTraitSet traitSet, List<RelNode> newInputs) {
        return new TransformRel(getCluster(), traitSet, newInputs, factory, partitioners, needsWholeInput, channels,
                rowType, declaredRowType, placementTags);
    }

    @Override
    public RelWriter explainTerms(RelWriter pw) {
        for (int i = 0; i < inputs.size(); i++) {
            pw.input("input#" + i, inputs.get(i));
        }
        List<String> parts = new ArrayList<>();
        partitioners.forEach(p -> parts.add(p.describe()));
        // The factory's identity keeps two different operators from being merged as equal digests.
        return pw.item("operator", factory.name())
                .item("id", Integer.toHexString(System.identityHashCode(factory)))
                .item("partitioning", parts)
                .item("channels", channels == SAME_AS_INPUT ? "as input" : Integer.toString(channels))
                .itemIf("placeOn", new java.util.TreeSet<>(placementTags), !placementTags.isEmpty());
    }
}
