package dev.numbat.cluster.exchange;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.numbat.cluster.proto.ExchangeTicket;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.NoOpFlightProducer;
import org.apache.arrow.flight.Ticket;

/**
 * Serves DoGet for {@link ExchangeTicket}s: streams an output buffer from the ticket's sequence number on,
 * while its producer is still writing it. The stream ends with {@code completed()} once the producer finished
 * and everything was sent, or with an error whose description is {@code "CODE: message"} if the producer
 * aborted or the query was released. {@code getStream} returns at once; a {@link StreamPump} does the work.
 */
final class ExchangeFlightProducer extends NoOpFlightProducer {
    private final ExchangeService service;

    ExchangeFlightProducer(ExchangeService service) {
        this.service = service;
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        ExchangeTicket t;
        BufferKey key;
        try {
            t = ExchangeTicket.parseFrom(ticket.getBytes());
            key = BufferKey.of(t);
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            listener.error(CallStatus.INVALID_ARGUMENT.withDescription("not an exchange ticket: " + e.getMessage())
                    .toRuntimeException());
            return;
        }
        new StreamPump(service, key, t.getFromSequence(), listener).start();
    }
}
