package dev.numbat.cluster.flightsql;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import io.grpc.BindableService;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.apache.arrow.flight.BackpressureStrategy;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.auth.ServerAuthHandler;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCatalogs;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetSqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTableTypes;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlNullOrdering;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedCaseSensitivity;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.Types;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Arrow Flight SQL over a {@link SqlBackend}, so that the stock Flight SQL JDBC driver, ADBC and other Flight
 * SQL clients run Numbat SQL.
 *
 * <p><b>Statements.</b> {@code GetFlightInfo} for a query (or a prepared statement) plans and starts it through
 * {@link SqlBackend#execute} and answers with one endpoint whose ticket names the now pending statement and
 * no location (the client fetches from this same server). {@code DoGet} on that ticket streams the result and
 * then closes it; a ticket is good for one read. A pending statement nobody reads is closed (cancelled) after
 * {@link Options#pendingTimeout()}, a prepared statement unused for {@link Options#preparedIdleTimeout()} is
 * forgotten, so an abandoned client leaks nothing. Statements that return no columns (DDL, DML) run through
 * {@code DoPut} ({@code executeUpdate}) and answer with their update count.
 *
 * <p><b>Metadata.</b> One catalog {@value #CATALOG} with one schema {@value #SCHEMA}, holding
 * {@link SqlBackend#tables()}. Primary and foreign keys are empty lists; transactions, Substrait, bulk ingest,
 * type info and statement parameters are not supported.
 *
 * <p><b>Errors</b> reach clients as Flight statuses chosen by the {@link NumbatException} code (see
 * {@link FlightErrors}): USER_ERROR is INVALID_ARGUMENT, CANCELLED is CANCELLED, EXECUTOR_LOST is UNAVAILABLE,
 * the rest INTERNAL; the description is {@code "<CODE>: <message>"}.
 *
 * <p>Thread-safe: Flight calls it from many threads. Serve it with {@link org.apache.arrow.flight.FlightServer}
 * or, beside other gRPC services on one port, through {@link #bindable}. {@link #close()} after the server has
 * stopped.
 */
public final class NumbatFlightSqlProducer implements FlightSqlProducer {
    /** The one catalog clients see. */
    public static final String CATALOG = "numbat";
    /** The one schema (database) in {@link #CATALOG}. */
    public static final String SCHEMA = "default";

    private static final Logger LOG = LoggerFactory.getLogger(NumbatFlightSqlProducer.class);

    static {
        FlightCompat.disableBrokenZeroCopyRead();
    }

    /**
     * How long statements live without a client.
     *
     * @param pendingTimeout      a started statement whose result no client reads within this time is cancelled
     * @param preparedIdleTimeout a prepared statement not used for this long is closed
     * @param serverVersion       the version reported to clients (JDBC {@code getDatabaseProductVersion})
     */
    public record Options(Duration pendingTimeout, Duration preparedIdleTimeout, String serverVersion) {
        public Options {
            Objects.requireNonNull(pendingTimeout, "pendingTimeout");
            Objects.requireNonNull(preparedIdleTimeout, "preparedIdleTimeout");
            Objects.requireNonNull(serverVersion, "serverVersion");
            if (pendingTimeout.isNegative() || pendingTimeout.isZero()) {
                throw new IllegalArgumentException("pendingTimeout must be positive, got " + pendingTimeout);
            }
            if (preparedIdleTimeout.isNegative() || preparedIdleTimeout.isZero()) {
                throw new IllegalArgumentException("preparedIdleTimeout must be positive, got " + preparedIdleTimeout);
            }
        }

        /** Five minutes for unread results, one hour for idle prepared statements. */
        public static Options defaults() {
            String version = NumbatFlightSqlProducer.class.getPackage().getImplementationVersion();
            return new Options(Duration.ofMinutes(5), Duration.ofHours(1),
                    version == null ? "0.1.0-SNAPSHOT" : version);
        }

        public Options withPendingTimeout(Duration timeout) {
            return new Options(timeout, preparedIdleTimeout, serverVersion);
        }

        public Options withPreparedIdleTimeout(Duration timeout) {
            return new Options(pendingTimeout, timeout, serverVersion);
        }
    }

    /** A started statement waiting for (or being read by) its one {@code DoGet}. */
    private static final class Pending {
        final SqlResult result;
        final long startNanos = System.nanoTime();
        /** Set by whoever takes over closing the result: the reader, the sweeper, a cancel, or close(). */
        final AtomicBoolean claimed = new AtomicBoolean();

        Pending(SqlResult result) {
            this.result = result;
        }
    }

    private static final class Prepared {
        final String sql;
        final Schema schema;
        volatile long lastUsedNanos = System.nanoTime();

        Prepared(String sql, Schema schema) {
            this.sql = sql;
            this.schema = schema;
        }
    }

    private final SqlBackend backend;
    private final Options options;
    private final BufferAllocator allocator;
    private final MetadataResults metadata = new MetadataResults(CATALOG, SCHEMA);
    private final SqlInfoBuilder sqlInfo;
    private final Map<ByteString, Pending> pending = new ConcurrentHashMap<>();
    private final Map<ByteString, Prepared> prepared = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();
    private final ScheduledExecutorService sweeper;
    private final AtomicLong streams = new AtomicLong();
    private final Object activeLock = new Object();
    private int active;
    private volatile boolean closed;

    /**
     * @param backend   plans and runs the SQL
     * @param allocator the parent of the producer's memory (stream and metadata buffers); it must share its root
     *                  with the backend's result batches. The caller owns it and closes it after {@link #close()}.
     */
    public NumbatFlightSqlProducer(SqlBackend backend, BufferAllocator allocator, Options options) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.options = Objects.requireNonNull(options, "options");
        this.allocator = Objects.requireNonNull(allocator, "allocator")
                .newChildAllocator("flight-sql", 0, Long.MAX_VALUE);
        this.sqlInfo = sqlInfo(options);
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "numbat-flight-sql-sweeper");
            t.setDaemon(true);
            return t;
        });
        long period = Math.max(50, Math.min(30_000,
                Math.min(options.pendingTimeout().toMillis(), options.preparedIdleTimeout().toMillis()) / 4));
        sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
    }

    public NumbatFlightSqlProducer(SqlBackend backend, BufferAllocator allocator) {
        this(backend, allocator, Options.defaults());
    }

    /**
     * The Flight service (Flight SQL included) as a gRPC service, to add to a server that also hosts other
     * services, e.g. {@code NettyServerBuilder.forAddress(...).addService(bindable(a, p, e)).addService(mine)}.
     * It does no authentication of its own: check bearer tokens for every service of that server at once with a
     * gRPC {@code ServerInterceptor} (Flight's per-service auth here would be the deprecated v1 handshake).
     *
     * <p>{@code DoGet} streams a statement's result on the gRPC call's thread, blocking while the statement
     * computes: the server must run calls on a pool (gRPC's default), not {@code directExecutor()}. Flight's own
     * server raises the inbound message limit; a plain gRPC server keeps gRPC's 4 MiB unless
     * {@code maxInboundMessageSize} is set, which bounds what clients may send (DoPut batches), not results.
     *
     * @param allocator for the Flight messages the service receives (parameters, DoPut streams)
     * @param executor  runs {@code DoPut} handlers and other asynchronous work; the caller shuts it down
     */
    @SuppressWarnings("deprecation") // ServerAuthHandler.NO_OP: the only form createFlightService takes
    public static BindableService bindable(BufferAllocator allocator, NumbatFlightSqlProducer producer,
            ExecutorService executor) {
        return FlightGrpcUtils.createFlightService(Objects.requireNonNull(allocator, "allocator"),
                Objects.requireNonNull(producer, "producer"), ServerAuthHandler.NO_OP,
                Objects.requireNonNull(executor, "executor"));
    }

    /** Statements started and not yet fully read and closed (for tests and monitoring). */
    public int pendingStatements() {
        return pending.size();
    }

    /** Prepared statements not yet closed. */
    public int preparedStatements() {
        return prepared.size();
    }

    // ---- statements ----------------------------------------------------------------------------------------

    @Override
    public FlightInfo getFlightInfoStatement(CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return call(() -> start(command.getQuery(), descriptor));
    }

    @Override
    public SchemaResult getSchemaStatement(CommandStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return call(() -> new SchemaResult(resultSchema(backend.schema(command.getQuery()))));
    }

    @Override
    public void getStreamStatement(TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
        ByteString handle = ticket.getStatementHandle();
        Pending p = pending.get(handle);
        if (p == null || !p.claimed.compareAndSet(false, true)) {
            listener.error(CallStatus.NOT_FOUND.withDescription("USER_ERROR: no pending statement for this ticket; "
                    + "it was read already, cancelled, or not read within " + options.pendingTimeout())
                    .toRuntimeException());
            return;
        }
        stream(p.result, listener, () -> {
            pending.remove(handle, p);
            closeQuietly(p.result);
        });
    }

    /** Starts {@code sql} and registers it as pending under a new handle: the FlightInfo's one ticket. */
    private FlightInfo start(String sql, FlightDescriptor descriptor) {
        checkOpen();
        SqlResult result = backend.execute(sql);
        try {
            Schema schema = resultSchema(result.schema());
            ByteString handle = newHandle();
            pending.put(handle, new Pending(result));
            if (closed) {
                // close() may have swept before the put: do not leave this one behind.
                Pending p = pending.remove(handle);
                if (p != null && p.claimed.compareAndSet(false, true)) {
                    closeQuietly(p.result);
                }
                throw unavailable();
            }
            Ticket ticket = new Ticket(
                    Any.pack(TicketStatementQuery.newBuilder().setStatementHandle(handle).build()).toByteArray());
            return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
        } catch (RuntimeException e) {
            closeQuietly(result);
            throw e;
        }
    }

    /**
     * Sends every batch of {@code result} to {@code listener}, waiting for the client to be ready before each
     * one (so a slow client slows the query instead of filling memory), and ends the call with completed or
     * error. {@code release} runs (whatever happens) before the call ends, so that a client that saw the end
     * sees the statement's resources released.
     */
    private void stream(SqlResult result, ServerStreamListener listener, Runnable release) {
        enter();
        Throwable failure = null;
        BufferAllocator a = null;
        VectorSchemaRoot root = null;
        try {
            a = allocator.newChildAllocator("stream-" + streams.incrementAndGet(), 0, Long.MAX_VALUE);
            Backpressure backpressure = new Backpressure(result);
            backpressure.register(listener);
            root = VectorSchemaRoot.create(resultSchema(result.schema()), a);
            listener.start(root);
            while (true) {
                VectorSchemaRoot batch = result.next();
                if (batch == null) {
                    break;
                }
                try (batch) {
                    if (batch.getRowCount() == 0) {
                        continue;
                    }
                    if (!backpressure.awaitReady(listener)) {
                        throw new NumbatException(ErrorCode.CANCELLED, "the client cancelled the stream");
                    }
                    moveInto(batch, root);
                }
                listener.putNext();
                // putNext has handed the batch to gRPC; drop our references now, not at the next batch.
                root.clear();
            }
        } catch (Throwable t) {
            failure = t;
            result.cancel();
        } finally {
            try {
                if (root != null) {
                    root.close();
                }
                if (a != null) {
                    a.close();
                }
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
            try {
                release.run();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
            try {
                if (failure == null) {
                    listener.completed();
                } else {
                    sendError(listener, failure);
                }
            } catch (RuntimeException e) {
                LOG.debug("could not end a finished call: {}", e.toString());
            } finally {
                leave();
            }
        }
    }

    /** The schema clients see for a statement's result: the backend's, with Flight SQL column metadata. */
    private static Schema resultSchema(Schema schema) {
        return ColumnMetadata.decorate(schema, CATALOG, SCHEMA, null);
    }

    /** Moves the buffers of {@code batch} into {@code root} without copying (same vector types by position). */
    private static void moveInto(VectorSchemaRoot batch, VectorSchemaRoot root) {
        List<FieldVector> from = batch.getFieldVectors();
        List<FieldVector> to = root.getFieldVectors();
        if (from.size() != to.size()) {
            throw NumbatException.internal("result batch has " + from.size() + " columns, the statement's schema "
                    + to.size() + ": " + batch.getSchema() + " vs " + root.getSchema(), null);
        }
        for (int i = 0; i < from.size(); i++) {
            Field f = from.get(i).getField();
            Field t = to.get(i).getField();
            if (!compatible(f, t)) {
                throw NumbatException.internal("result column " + i + " is " + f + " but the statement's schema says "
                        + t, null);
            }
        }
        for (int i = 0; i < from.size(); i++) {
            from.get(i).makeTransferPair(to.get(i)).transfer();
        }
        root.setRowCount(batch.getRowCount());
    }

    /** Same vector layout: same minor type (decimal precision or time zone may differ) and compatible children. */
    private static boolean compatible(Field a, Field b) {
        if (Types.getMinorTypeForArrowType(a.getType()) != Types.getMinorTypeForArrowType(b.getType())
                || a.getChildren().size() != b.getChildren().size()) {
            return false;
        }
        if (a.getType().isComplex() && !a.getType().equals(b.getType())) {
            return false; // e.g. fixed-size list lengths, union modes, map sortedness
        }
        for (int i = 0; i < a.getChildren().size(); i++) {
            if (!compatible(a.getChildren().get(i), b.getChildren().get(i))) {
                return false;
            }
        }
        return true;
    }

    /** Waits on gRPC's readiness callbacks; a client that goes away cancels the statement. */
    private static final class Backpressure extends BackpressureStrategy.CallbackBackpressureStrategy {
        private final SqlResult result;

        Backpressure(SqlResult result) {
            this.result = result;
        }

        @Override
        protected void cancelCallback() {
            result.cancel();
        }

        /** True when the client can take the next batch, false when it cancelled. */
        boolean awaitReady(ServerStreamListener listener) {
            while (true) {
                switch (waitForListener(1_000)) {
                    case READY:
                        return true;
                    case TIMEOUT:
                        if (listener.isCancelled()) {
                            return false;
                        }
                        break;
                    default:
                        return false;
                }
            }
        }
    }

    // ---- prepared statements ---------------------------------------------------------------------------------

    @Override
    public void createPreparedStatement(ActionCreatePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        try {
            checkOpen();
            String sql = request.getQuery();
            Schema schema = resultSchema(backend.schema(sql));
            ByteString handle = newHandle();
            prepared.put(handle, new Prepared(sql, schema));
            // No parameter schema: the client sees a statement without parameters.
            ActionCreatePreparedStatementResult result = ActionCreatePreparedStatementResult.newBuilder()
                    .setPreparedStatementHandle(handle)
                    .setDatasetSchema(ByteString.copyFrom(schema.serializeAsMessage()))
                    .build();
            listener.onNext(new Result(Any.pack(result).toByteArray()));
            listener.onCompleted();
        } catch (Throwable t) {
            listener.onError(FlightErrors.toFlight(t));
        }
    }

    @Override
    public void closePreparedStatement(ActionClosePreparedStatementRequest request, CallContext context,
            StreamListener<Result> listener) {
        // Closing an unknown (expired or already closed) statement is not an error: the client is done with it.
        prepared.remove(request.getPreparedStatementHandle());
        listener.onCompleted();
    }

    @Override
    public FlightInfo getFlightInfoPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return call(() -> start(preparedStatement(command.getPreparedStatementHandle()).sql, descriptor));
    }

    @Override
    public SchemaResult getSchemaPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            FlightDescriptor descriptor) {
        return call(() -> new SchemaResult(preparedStatement(command.getPreparedStatementHandle()).schema));
    }

    /** Only for clients that use the command itself as a ticket; ours hand out statement tickets. */
    @Override
    public void getStreamPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
            ServerStreamListener listener) {
        SqlResult result;
        try {
            checkOpen();
            result = backend.execute(preparedStatement(command.getPreparedStatementHandle()).sql);
        } catch (Throwable t) {
            sendError(listener, t);
            return;
        }
        stream(result, listener, () -> closeQuietly(result));
    }

    @Override
    public Runnable acceptPutPreparedStatementQuery(CommandPreparedStatementQuery command, CallContext context,
            FlightStream parameters, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                preparedStatement(command.getPreparedStatementHandle());
                noParameters(parameters);
                ackStream.onCompleted();
            } catch (Throwable t) {
                ackStream.onError(FlightErrors.toFlight(t));
            }
        };
    }

    @Override
    public Runnable acceptPutPreparedStatementUpdate(CommandPreparedStatementUpdate command, CallContext context,
            FlightStream parameters, StreamListener<PutResult> ackStream) {
        return () -> {
            try {
                Prepared p = preparedStatement(command.getPreparedStatementHandle());
                noParameters(parameters);
                sendUpdateCount(ackStream, update(p.sql));
            } catch (Throwable t) {
                ackStream.onError(FlightErrors.toFlight(t));
            }
        };
    }

    @Override
    public Runnable acceptPutStatement(CommandStatementUpdate command, CallContext context, FlightStream stream,
            StreamListener<PutResult> ackStream) {
        // Not reading the stream: a plain statement has no parameters, and FlightSqlClient.executeUpdate (18.3)
        // waits for the result without ever ending its side of the call.
        return () -> {
            try {
                sendUpdateCount(ackStream, update(command.getQuery()));
            } catch (Throwable t) {
                ackStream.onError(FlightErrors.toFlight(t));
            }
        };
    }

    private Prepared preparedStatement(ByteString handle) {
        Prepared p = prepared.get(handle);
        if (p == null) {
            throw FlightErrors.invalid("unknown prepared statement: it was closed, or not used for %s",
                    options.preparedIdleTimeout());
        }
        p.lastUsedNanos = System.nanoTime();
        return p;
    }

    /** Runs a statement to the end for its update count (rows it returns are dropped). */
    private long update(String sql) {
        checkOpen();
        try (SqlResult result = backend.execute(sql)) {
            for (VectorSchemaRoot b = result.next(); b != null; b = result.next()) {
                b.close();
            }
            return result.updateCount();
        }
    }

    private void sendUpdateCount(StreamListener<PutResult> ackStream, long count) {
        byte[] bytes = DoPutUpdateResult.newBuilder().setRecordCount(count).build().toByteArray();
        try (ArrowBuf buffer = allocator.buffer(Math.max(1, bytes.length))) {
            buffer.writeBytes(bytes);
            ackStream.onNext(PutResult.metadata(buffer));
        }
        ackStream.onCompleted();
    }

    /** Reads the client's parameter batches; statements take no parameters, so rows are an error. */
    private static void noParameters(FlightStream stream) {
        while (stream.next()) {
            VectorSchemaRoot root = stream.getRoot();
            if (root.getRowCount() > 0 && !root.getFieldVectors().isEmpty()) {
                throw FlightErrors.invalid("statement parameters are not supported; got %d parameter(s)",
                        root.getFieldVectors().size());
            }
        }
    }

    // ---- cancellation -----------------------------------------------------------------------------------------

    @Override
    public void cancelFlightInfo(CancelFlightInfoRequest request, CallContext context,
            StreamListener<CancelStatus> listener) {
        CancelStatus status = CancelStatus.NOT_CANCELLABLE;
        for (FlightEndpoint endpoint : request.getInfo().getEndpoints()) {
            ByteString handle = statementHandle(endpoint.getTicket());
            Pending p = handle == null ? null : pending.get(handle);
            if (p == null) {
                continue;
            }
            p.result.cancel();
            if (p.claimed.compareAndSet(false, true)) {
                pending.remove(handle, p);
                closeQuietly(p.result);
                status = CancelStatus.CANCELLED;
            } else if (status != CancelStatus.CANCELLED) {
                status = CancelStatus.CANCELLING; // a DoGet is streaming it and will stop
            }
        }
        listener.onNext(status);
        listener.onCompleted();
    }

    private static ByteString statementHandle(Ticket ticket) {
        try {
            Any any = Any.parseFrom(ticket.getBytes());
            return any.is(TicketStatementQuery.class) ? any.unpack(TicketStatementQuery.class).getStatementHandle()
                    : null;
        } catch (InvalidProtocolBufferException e) {
            return null;
        }
    }

    // ---- metadata ---------------------------------------------------------------------------------------------

    @Override
    public FlightInfo getFlightInfoSqlInfo(CommandGetSqlInfo request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_SQL_INFO_SCHEMA);
    }

    @Override
    public void getStreamSqlInfo(CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
        sqlInfo.send(command.getInfoList(), listener);
    }

    @Override
    public FlightInfo getFlightInfoTypeInfo(CommandGetXdbcTypeInfo request, CallContext context,
            FlightDescriptor descriptor) {
        throw CallStatus.UNIMPLEMENTED.withDescription("type info is not available").toRuntimeException();
    }

    @Override
    public void getStreamTypeInfo(CommandGetXdbcTypeInfo request, CallContext context,
            ServerStreamListener listener) {
        listener.error(CallStatus.UNIMPLEMENTED.withDescription("type info is not available").toRuntimeException());
    }

    @Override
    public FlightInfo getFlightInfoCatalogs(CommandGetCatalogs request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_CATALOGS_SCHEMA);
    }

    @Override
    public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
        send(listener, () -> metadata.catalogs(allocator));
    }

    @Override
    public FlightInfo getFlightInfoSchemas(CommandGetDbSchemas request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_SCHEMAS_SCHEMA);
    }

    @Override
    public void getStreamSchemas(CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
        send(listener, () -> metadata.schemas(allocator, command));
    }

    @Override
    public FlightInfo getFlightInfoTables(CommandGetTables request, CallContext context, FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor,
                request.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA);
    }

    @Override
    public void getStreamTables(CommandGetTables command, CallContext context, ServerStreamListener listener) {
        send(listener, () -> metadata.tables(allocator, command, backend.tables()));
    }

    @Override
    public FlightInfo getFlightInfoTableTypes(CommandGetTableTypes request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_TABLE_TYPES_SCHEMA);
    }

    @Override
    public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
        send(listener, () -> metadata.tableTypes(allocator));
    }

    // Numbat tables have no keys: the key commands answer with empty lists (tools ask for them).

    @Override
    public FlightInfo getFlightInfoPrimaryKeys(CommandGetPrimaryKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_PRIMARY_KEYS_SCHEMA);
    }

    @Override
    public void getStreamPrimaryKeys(CommandGetPrimaryKeys command, CallContext context,
            ServerStreamListener listener) {
        sendEmpty(listener, Schemas.GET_PRIMARY_KEYS_SCHEMA);
    }

    @Override
    public FlightInfo getFlightInfoExportedKeys(CommandGetExportedKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_EXPORTED_KEYS_SCHEMA);
    }

    @Override
    public FlightInfo getFlightInfoImportedKeys(CommandGetImportedKeys request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_IMPORTED_KEYS_SCHEMA);
    }

    @Override
    public FlightInfo getFlightInfoCrossReference(CommandGetCrossReference request, CallContext context,
            FlightDescriptor descriptor) {
        return metadataInfo(request, descriptor, Schemas.GET_CROSS_REFERENCE_SCHEMA);
    }

    @Override
    public void getStreamExportedKeys(CommandGetExportedKeys command, CallContext context,
            ServerStreamListener listener) {
        sendEmpty(listener, Schemas.GET_EXPORTED_KEYS_SCHEMA);
    }

    @Override
    public void getStreamImportedKeys(CommandGetImportedKeys command, CallContext context,
            ServerStreamListener listener) {
        sendEmpty(listener, Schemas.GET_IMPORTED_KEYS_SCHEMA);
    }

    @Override
    public void getStreamCrossReference(CommandGetCrossReference command, CallContext context,
            ServerStreamListener listener) {
        sendEmpty(listener, Schemas.GET_CROSS_REFERENCE_SCHEMA);
    }

    @Override
    public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
        listener.onCompleted(); // Flight SQL clients do not list flights; there is nothing to list.
    }

    /** A metadata command's FlightInfo: one endpoint whose ticket is the command itself. */
    private static FlightInfo metadataInfo(Message command, FlightDescriptor descriptor, Schema schema) {
        Ticket ticket = new Ticket(Any.pack(command).toByteArray());
        return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
    }

    private void send(ServerStreamListener listener, Supplier<VectorSchemaRoot> rows) {
        try (VectorSchemaRoot root = rows.get()) {
            listener.start(root);
            listener.putNext();
            listener.completed();
        } catch (Throwable t) {
            sendError(listener, t);
        }
    }

    private void sendEmpty(ServerStreamListener listener, Schema schema) {
        send(listener, () -> VectorSchemaRoot.create(schema, allocator));
    }

    private static SqlInfoBuilder sqlInfo(Options options) {
        String arrowVersion = FlightSqlProducer.class.getPackage().getImplementationVersion();
        return new SqlInfoBuilder()
                .withFlightSqlServerName("Numbat")
                .withFlightSqlServerVersion(options.serverVersion())
                .withFlightSqlServerArrowVersion(arrowVersion == null ? "18.3.0" : arrowVersion)
                .withFlightSqlServerReadOnly(false)
                .withFlightSqlServerSql(true)
                .withFlightSqlServerSubstrait(false)
                .withFlightSqlServerTransaction(SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
                .withFlightSqlServerCancel(true)
                .withFlightSqlServerBulkIngestion(false)
                .withSqlIdentifierQuoteChar("\"")
                .withSqlSearchStringEscape("\\")
                .withSqlExtraNameCharacters("")
                .withSqlCatalogTerm("catalog")
                .withSqlSchemaTerm("schema")
                .withSqlProcedureTerm("procedure")
                // Names match regardless of case, quoted or not (DuckDB's rule; see PlannerContext).
                .withSqlIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlQuotedIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
                .withSqlNullOrdering(SqlNullOrdering.SQL_NULLS_SORTED_AT_END)
                .withSqlAllTablesAreSelectable(true)
                .withSqlDdlCatalog(false)
                .withSqlDdlSchema(false)
                .withSqlDdlTable(true)
                .withSqlSupportsColumnAliasing(true)
                .withSqlNullPlusNullIsNull(true)
                .withSqlSupportsTableCorrelationNames(true)
                .withSqlSupportsDifferentTableCorrelationNames(false)
                .withSqlSupportsExpressionsInOrderBy(true)
                .withSqlSupportsOrderByUnrelated(true)
                .withSqlSupportsLikeEscapeClause(false)
                .withSqlSupportsNonNullableColumns(true)
                .withSqlSupportsIntegrityEnhancementFacility(false)
                .withSqlCatalogAtStart(true)
                .withSqlSelectForUpdateSupported(false)
                .withSqlStoredProceduresSupported(false)
                .withSqlCorrelatedSubqueriesSupported(true)
                .withSqlMaxRowSizeIncludesBlobs(false)
                .withSqlTransactionsSupported(false)
                .withSqlDataDefinitionCausesTransactionCommit(false)
                .withSqlDataDefinitionsInTransactionsIgnored(false)
                .withSqlBatchUpdatesSupported(false)
                .withSqlSavepointsSupported(false)
                .withSqlNamedParametersSupported(false)
                .withSqlLocatorsUpdateCopy(false)
                .withSqlStoredFunctionsUsingCallSyntaxSupported(false);
    }

    // ---- life cycle -------------------------------------------------------------------------------------------

    /** Closes pending statements nobody read in time and forgets idle prepared statements. */
    private void sweep() {
        try {
            long now = System.nanoTime();
            long pendingLimit = options.pendingTimeout().toNanos();
            for (Map.Entry<ByteString, Pending> e : pending.entrySet()) {
                Pending p = e.getValue();
                if (now - p.startNanos > pendingLimit && p.claimed.compareAndSet(false, true)) {
                    pending.remove(e.getKey(), p);
                    LOG.debug("closing a statement no client read within {}", options.pendingTimeout());
                    closeQuietly(p.result);
                }
            }
            long idleLimit = options.preparedIdleTimeout().toNanos();
            prepared.entrySet().removeIf(e -> now - e.getValue().lastUsedNanos > idleLimit);
        } catch (Throwable t) {
            LOG.warn("sweeping Flight SQL statements failed", t);
        }
    }

    /**
     * Cancels and closes every pending statement, waits (up to 30 s) for streams still being sent to stop, and
     * releases the producer's memory. Call after the server stopped taking calls. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        sweeper.shutdownNow();
        for (Map.Entry<ByteString, Pending> e : pending.entrySet()) {
            Pending p = e.getValue();
            p.result.cancel();
            if (p.claimed.compareAndSet(false, true)) {
                pending.remove(e.getKey(), p);
                closeQuietly(p.result);
            }
        }
        prepared.clear();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (activeLock) {
            while (active > 0 && System.nanoTime() < deadline) {
                try {
                    activeLock.wait(100);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (active > 0) {
                LOG.warn("{} Flight SQL stream(s) still running at close", active);
            }
        }
        allocator.close();
    }

    private void enter() {
        synchronized (activeLock) {
            active++;
        }
    }

    private void leave() {
        synchronized (activeLock) {
            active--;
            activeLock.notifyAll();
        }
    }

    private void checkOpen() {
        if (closed) {
            throw unavailable();
        }
    }

    private static RuntimeException unavailable() {
        return CallStatus.UNAVAILABLE.withDescription("the Flight SQL service is shutting down").toRuntimeException();
    }

    private ByteString newHandle() {
        byte[] bytes = new byte[16];
        random.nextBytes(bytes);
        return ByteString.copyFrom(bytes);
    }

    /** Runs a unary call, mapping any failure to its Flight status. */
    private static <T> T call(Supplier<T> body) {
        try {
            return body.get();
        } catch (Throwable t) {
            throw FlightErrors.toFlight(t);
        }
    }

    private static void sendError(ServerStreamListener listener, Throwable t) {
        try {
            listener.error(FlightErrors.toFlight(t));
        } catch (RuntimeException e) {
            // The call is already over (the client cancelled it): nobody is left to tell.
            LOG.debug("could not send error to a finished call: {}", e.toString());
        }
    }

    private static void closeQuietly(SqlResult result) {
        try {
            result.close();
        } catch (RuntimeException e) {
            LOG.warn("closing a statement result failed", e);
        }
    }
}
