package dev.numbat.cluster.exchange;

import dev.numbat.cluster.proto.ExchangeTicket;
import dev.numbat.runtime.JobPlacement;
import java.util.Objects;

/**
 * Names one stream of a query: what channel {@code producer} sends on {@code edge} (an index in the task
 * graph's edges, or {@link JobPlacement#RESULT_EDGE}) to channel {@code consumer} of the edge's target.
 */
public record BufferKey(String queryId, int edge, int producer, int consumer) {
    public BufferKey {
        Objects.requireNonNull(queryId, "queryId");
        if (edge < JobPlacement.RESULT_EDGE) {
            throw new IllegalArgumentException("edge must be -1 or an edge index, got " + edge);
        }
        if (producer < 0 || consumer < 0) {
            throw new IllegalArgumentException("channels must not be negative, got " + producer + " -> " + consumer);
        }
    }

    /** The ticket that streams this buffer from the batch with sequence number {@code fromSequence} on. */
    public ExchangeTicket ticket(long fromSequence) {
        return ExchangeTicket.newBuilder().setQueryId(queryId).setEdge(edge).setProducer(producer)
                .setConsumer(consumer).setFromSequence(fromSequence).build();
    }

    static BufferKey of(ExchangeTicket t) {
        return new BufferKey(t.getQueryId(), t.getEdge(), t.getProducer(), t.getConsumer());
    }

    @Override
    public String toString() {
        return "query " + queryId + (edge == JobPlacement.RESULT_EDGE ? " results" : " edge " + edge)
                + " channel " + producer + " -> " + consumer;
    }
}
