package dev.numbat.core.operator;

import org.apache.arrow.memory.BufferAllocator;

/** What the runtime tells an operator about where it runs. Valid from {@code open} until {@code close}. */
public interface OperatorContext {

    /** The operator's name as it appears in the task graph. */
    String operatorName();

    /** This channel's index, from 0 to {@code channelCount() - 1}. */
    int channel();

    /** How many channels run this operator. */
    int channelCount();

    /** The channel's own allocator; it is closed after {@code close}, so leaked buffers are reported. */
    BufferAllocator allocator();

    /** Counters and gauges reported with the job's metrics. */
    Metrics metrics();
}
