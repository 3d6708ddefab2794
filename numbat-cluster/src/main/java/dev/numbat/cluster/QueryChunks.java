package dev.numbat.cluster;

import com.google.protobuf.ByteString;
import dev.numbat.cluster.proto.JarChunk;
import dev.numbat.cluster.proto.QueryChunk;
import dev.numbat.cluster.proto.QueryHeader;
import dev.numbat.core.NumbatException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A query travels as a stream of chunks (header, plan pieces, jar pieces) so that no plan or jar, however
 * large, meets gRPC's message-size limit.
 */
public final class QueryChunks {
    /** Well under gRPC's default 4 MiB limit. */
    public static final int CHUNK_BYTES = 1 << 20;

    private QueryChunks() {
    }

    /** Sends header, plan and jars in order, without completing the stream. */
    public static void send(StreamObserver<QueryChunk> out, QueryHeader header, byte[] plan, Map<String, byte[]> jars) {
        out.onNext(QueryChunk.newBuilder().setHeader(header).build());
        for (int off = 0; off < plan.length; off += CHUNK_BYTES) {
            int len = Math.min(CHUNK_BYTES, plan.length - off);
            out.onNext(QueryChunk.newBuilder().setPlan(ByteString.copyFrom(plan, off, len)).build());
        }
        for (Map.Entry<String, byte[]> jar : jars.entrySet()) {
            byte[] data = jar.getValue();
            int off = 0;
            do {
                int len = Math.min(CHUNK_BYTES, data.length - off);
                out.onNext(QueryChunk.newBuilder().setJar(JarChunk.newBuilder().setName(jar.getKey())
                        .setData(ByteString.copyFrom(data, off, len))).build());
                off += len;
            } while (off < data.length);
        }
    }

    /**
     * The receiving side of a chunk stream: collects the chunks and, when the sender completes, hands the
     * assembled query to {@code onComplete} (which answers the call).
     */
    public static StreamObserver<QueryChunk> receiver(java.util.function.Consumer<Assembler> onComplete) {
        Assembler chunks = new Assembler();
        return new StreamObserver<>() {
            @Override
            public void onNext(QueryChunk chunk) {
                chunks.add(chunk);
            }

            @Override
            public void onError(Throwable t) {
                // The sender gave up; nothing was started.
            }

            @Override
            public void onCompleted() {
                onComplete.accept(chunks);
            }
        };
    }

    /** Reassembles a chunk stream on the receiving side. */
    public static final class Assembler {
        private QueryHeader header;
        private final ByteArrayOutputStream plan = new ByteArrayOutputStream();
        private final Map<String, ByteArrayOutputStream> jars = new LinkedHashMap<>();

        public void add(QueryChunk chunk) {
            switch (chunk.getPartCase()) {
                case HEADER -> header = chunk.getHeader();
                case PLAN -> plan.writeBytes(chunk.getPlan().toByteArray());
                case JAR -> jars.computeIfAbsent(chunk.getJar().getName(), k -> new ByteArrayOutputStream())
                        .writeBytes(chunk.getJar().getData().toByteArray());
                default -> throw NumbatException.internal("empty query chunk", null);
            }
        }

        public QueryHeader header() {
            if (header == null) {
                throw NumbatException.internal("query stream without a header", null);
            }
            return header;
        }

        public byte[] plan() {
            return plan.toByteArray();
        }

        public Map<String, byte[]> jars() {
            Map<String, byte[]> out = new LinkedHashMap<>();
            jars.forEach((k, v) -> out.put(k, v.toByteArray()));
            return out;
        }
    }
}
