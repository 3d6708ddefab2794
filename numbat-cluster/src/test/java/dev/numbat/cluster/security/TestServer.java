package dev.numbat.cluster.security;

import dev.numbat.cluster.proto.ErrorInfo;
import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import dev.numbat.core.testing.TestAllocator;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.NettyServerBuilder;
import io.grpc.protobuf.ProtoUtils;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.auth.ServerAuthHandler;
import org.apache.arrow.memory.BufferAllocator;

/**
 * One gRPC server on 127.0.0.1 hosting, like a Numbat node, our own gRPC service (a unary echo of
 * {@link ErrorInfo}, failing with the code it is sent) next to Flight and Flight SQL
 * ({@link TestSqlProducer}) through {@code FlightGrpcUtils.createFlightService}, secured by
 * {@link ClusterSecurity#configure}.
 */
final class TestServer implements AutoCloseable {
    static final MethodDescriptor<ErrorInfo, ErrorInfo> ECHO = MethodDescriptor.<ErrorInfo, ErrorInfo>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(MethodDescriptor.generateFullMethodName("numbat.test.Echo", "Echo"))
            .setRequestMarshaller(ProtoUtils.marshaller(ErrorInfo.getDefaultInstance()))
            .setResponseMarshaller(ProtoUtils.marshaller(ErrorInfo.getDefaultInstance()))
            .build();

    final BufferAllocator allocator = TestAllocator.create();
    private final ExecutorService flightExecutor = Executors.newCachedThreadPool();
    private final TestSqlProducer producer = new TestSqlProducer(allocator);
    private final Server server;

    // FlightGrpcUtils takes a (deprecated) ServerAuthHandler: NO_OP, as the bearer interceptor does the checking.
    @SuppressWarnings("deprecation")
    TestServer(ClusterSecurity security) throws IOException {
        ServerServiceDefinition echo = ServerServiceDefinition.builder("numbat.test.Echo")
                .addMethod(ECHO, ServerCalls.asyncUnaryCall((request, response) -> {
                    if (request.getCode().isEmpty()) {
                        response.onNext(request);
                        response.onCompleted();
                    } else {
                        response.onError(StatusMapping.toStatusException(
                                new NumbatException(ErrorCode.valueOf(request.getCode()), request.getMessage())));
                    }
                }))
                .build();
        server = security.configure(NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0)))
                .addService(echo)
                .addService(FlightGrpcUtils.createFlightService(allocator, producer, ServerAuthHandler.NO_OP, flightExecutor))
                .build()
                .start();
    }

    int port() {
        return server.getPort();
    }

    static ErrorInfo echo(Channel channel, String code, String message) {
        return ClientCalls.blockingUnaryCall(channel, ECHO, CallOptions.DEFAULT.withDeadlineAfter(20, TimeUnit.SECONDS),
                ErrorInfo.newBuilder().setCode(code).setMessage(message).build());
    }

    @Override
    public void close() throws Exception {
        server.shutdownNow();
        server.awaitTermination(10, TimeUnit.SECONDS);
        flightExecutor.shutdownNow();
        producer.close();
        allocator.close();
    }
}
