package dev.numbat.cluster.security;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.google.protobuf.Any;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.util.List;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCatalogs;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A tiny Flight SQL producer: plain Flight serves the flight "numbers" (1, 2, 3) and fails tickets
 * {@code fail:<ErrorCode>}; Flight SQL answers the catalog list with "numbat".
 */
final class TestSqlProducer extends NoOpFlightSqlProducer {
    static final Schema NUMBERS = new Schema(List.of(Field.nullable("n", new ArrowType.Int(32, true))));
    static final String NUMBERS_TICKET = "numbers";

    private final BufferAllocator allocator;

    TestSqlProducer(BufferAllocator allocator) {
        this.allocator = allocator;
    }

    @Override
    public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
        listener.onNext(new FlightInfo(NUMBERS, FlightDescriptor.path(NUMBERS_TICKET),
                List.of(new FlightEndpoint(new Ticket(NUMBERS_TICKET.getBytes(UTF_8)))), -1, 3));
        listener.onCompleted();
    }

    @Override
    public void getStream(CallContext context, Ticket ticket, ServerStreamListener listener) {
        String name = new String(ticket.getBytes(), UTF_8);
        if (name.equals(NUMBERS_TICKET)) {
            try (VectorSchemaRoot root = VectorSchemaRoot.create(NUMBERS, allocator)) {
                IntVector n = (IntVector) root.getVector(0);
                n.allocateNew(3);
                for (int i = 0; i < 3; i++) {
                    n.set(i, i + 1);
                }
                root.setRowCount(3);
                listener.start(root);
                listener.putNext();
                listener.completed();
            }
        } else if (name.startsWith("fail:")) {
            listener.error(StatusMapping.toFlightException(
                    new NumbatException(ErrorCode.valueOf(name.substring(5)), "failed on purpose: " + name)));
        } else {
            super.getStream(context, ticket, listener); // a Flight SQL command
        }
    }

    @Override
    public FlightInfo getFlightInfoCatalogs(CommandGetCatalogs request, CallContext context, FlightDescriptor descriptor) {
        return new FlightInfo(Schemas.GET_CATALOGS_SCHEMA, descriptor,
                List.of(new FlightEndpoint(new Ticket(Any.pack(request).toByteArray()))), -1, 1);
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_CATALOGS_SCHEMA, allocator)) {
            VarCharVector name = (VarCharVector) root.getVector(0);
            name.allocateNew(1);
            name.setSafe(0, "numbat".getBytes(UTF_8));
            root.setRowCount(1);
            listener.start(root);
            listener.putNext();
            listener.completed();
        }
    }
}
