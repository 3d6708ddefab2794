package dev.numbat.cluster.scheduler;

import dev.numbat.cluster.security.StatusMapping;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.ActionType;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The scheduler's Flight service: results tickets ({@code numbat-query:ID}) stream a query's results to its
 * client; everything else goes to the Flight SQL producer when one is attached.
 */
final class ResultsFlightProducer implements FlightProducer {
    private final SchedulerNode scheduler;
    private volatile FlightProducer delegate;

    ResultsFlightProducer(SchedulerNode scheduler) {
        this.scheduler = scheduler;
    }

    void delegate(FlightProducer producer) {
        this.delegate = producer;
    }

    private FlightProducer sql() {
        FlightProducer d = delegate;
        if (d == null) {
            throw CallStatus.UNIMPLEMENTED.withDescription("Flight SQL is not enabled on this scheduler").toRuntimeException();
        }
        return d;
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        String t = new String(ticket.getBytes(), StandardCharsets.UTF_8);
        if (!t.startsWith(SchedulerNode.TICKET_PREFIX)) {
            sql().getStream(context, ticket, listener);
            return;
        }
        String id = t.substring(SchedulerNode.TICKET_PREFIX.length());
        QueryRun run = scheduler.run(id);
        if (run == null) {
            listener.error(CallStatus.NOT_FOUND.withDescription("no query " + id).toRuntimeException());
            return;
        }
        listener.setOnCancelHandler(() -> scheduler.cancel(id));
        try (SchedulerNode.ResultStream stream = scheduler.results(run, scheduler.allocator())) {
            VectorSchemaRoot out = null;
            try {
                while (true) {
                    VectorSchemaRoot next = stream.next();
                    if (next == null) {
                        break;
                    }
                    try (VectorSchemaRoot b = next) {
                        if (out == null) {
                            out = VectorSchemaRoot.create(b.getSchema(), scheduler.allocator());
                            listener.start(out);
                        }
                        VectorUnloader unloader = new VectorUnloader(b);
                        try (ArrowRecordBatch rb = unloader.getRecordBatch()) {
                            new VectorLoader(out).load(rb);
                        }
                    }
                    waitUntilReady(listener);
                    if (listener.isCancelled()) {
                        return;
                    }
                    listener.putNext();
                }
                if (out == null) {
                    Schema schema = stream.schema() == null ? new Schema(List.of()) : stream.schema();
                    out = VectorSchemaRoot.create(schema, scheduler.allocator());
                    listener.start(out);
                }
                listener.completed();
            } finally {
                if (out != null) {
                    out.close();
                }
            }
        } catch (RuntimeException e) {
            listener.error(StatusMapping.toFlightException(e));
        }
    }

    /** Backpressure: a slow client stops the scheduler pulling, which stops the executors (credit). */
    private static void waitUntilReady(ServerStreamListener listener) {
        while (!listener.isReady() && !listener.isCancelled()) {
            try {
                Thread.sleep(1);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
        sql().listFlights(context, criteria, listener);
    }

    @Override
    public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
        return sql().getFlightInfo(context, descriptor);
    }

    @Override
    public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
        return sql().getSchema(context, descriptor);
    }

    @Override
    public Runnable acceptPut(CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
        return sql().acceptPut(context, flightStream, ackStream);
    }

    @Override
    public void doExchange(CallContext context, FlightStream reader, ServerStreamListener writer) {
        sql().doExchange(context, reader, writer);
    }

    @Override
    public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
        sql().doAction(context, action, listener);
    }

    @Override
    public void listActions(CallContext context, StreamListener<ActionType> listener) {
        FlightProducer d = delegate;
        if (d == null) {
            listener.onCompleted();
        } else {
            d.listActions(context, listener);
        }
    }
}
