package dev.numbat.client;

import dev.numbat.core.operator.OperatorFactory;
import dev.numbat.core.partition.Partitioner;
import dev.numbat.core.source.Source;
import java.util.List;

/**
 * What a {@link DataStream} stands for before it runs: a source, or an operator over other streams. Streams
 * that share a node share its channels when the plan runs.
 */
sealed interface PlanNode {

    /** The source with a channel count, or 0 to choose from the splits and cores. */
    record Read(String name, Source source, int channels) implements PlanNode {
    }

    /** An operator applied to inputs; input i is partitioned by partitioners.get(i). */
    record Transform(String name, List<PlanNode> inputs, List<Partitioner> partitioners, List<Boolean> needsWhole,
            OperatorFactory factory, int channels) implements PlanNode {
    }
}
