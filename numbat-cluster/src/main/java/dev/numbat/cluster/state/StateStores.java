package dev.numbat.cluster.state;

import dev.numbat.core.NumbatException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Opens the {@link StateStore} a scheduler's {@code --state} option names. */
public final class StateStores {
    /** Sub-directory of the work directory that holds the embedded store's journal. */
    public static final String EMBEDDED_DIR = "state";

    private StateStores() {
    }

    /**
     * Opens a state store from its spec:
     * <ul>
     *   <li>{@code embedded}: an {@link EmbeddedStateStore} journaled in {@code workDir/state}, or in memory
     *       only when {@code workDir} is null; {@code memory} is always memory only.
     *   <li>{@code etcd://host:port[,host:port...][/namespace]}: an {@link EtcdStateStore} on those etcd
     *       endpoints (plain HTTP), with every key under {@code namespace} when one is given.
     * </ul>
     *
     * @throws NumbatException USER_ERROR for a spec of another form
     */
    public static StateStore open(String spec, Path workDir) {
        if (spec == null || spec.isBlank() || spec.equals("embedded")) {
            return new EmbeddedStateStore(workDir == null ? null : workDir.resolve(EMBEDDED_DIR));
        }
        if (spec.equals("memory")) {
            return EmbeddedStateStore.inMemory();
        }
        if (spec.startsWith("etcd://")) {
            return openEtcd(spec);
        }
        throw NumbatException.userError(
                "unknown state store '%s': use 'embedded', 'memory' or 'etcd://host:port[,host:port...][/namespace]'", spec);
    }

    private static StateStore openEtcd(String spec) {
        String rest = spec.substring("etcd://".length());
        int slash = rest.indexOf('/');
        String hosts = slash < 0 ? rest : rest.substring(0, slash);
        String namespace = slash < 0 ? "" : rest.substring(slash);
        List<URI> endpoints = new ArrayList<>();
        for (String hostPort : hosts.split(",")) {
            URI uri;
            try {
                uri = URI.create("http://" + hostPort.strip());
            } catch (IllegalArgumentException e) {
                uri = null;
            }
            if (uri == null || uri.getHost() == null || uri.getPort() < 0 || uri.getRawPath().length() > 0) {
                throw NumbatException.userError("bad etcd endpoint '%s' in state store '%s': expected host:port", hostPort, spec);
            }
            endpoints.add(uri);
        }
        // "/numbat" and "/numbat/" both mean keys under "/numbat/".
        if (namespace.equals("/")) {
            namespace = "";
        } else if (!namespace.isEmpty() && !namespace.endsWith("/")) {
            namespace = namespace + "/";
        }
        return new EtcdStateStore(endpoints, namespace, EtcdStateStore.DEFAULT_TIMEOUT);
    }

    /** The UTF-8 bytes of a valid key: non-null, non-empty, and well-formed UTF-16 (no lone surrogates). */
    static byte[] keyBytes(String key) {
        if (key == null) {
            throw new NullPointerException("key");
        }
        if (key.isEmpty()) {
            throw NumbatException.userError("state store keys must not be empty");
        }
        try {
            ByteBuffer bytes = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(key));
            byte[] out = new byte[bytes.remaining()];
            bytes.get(out);
            return out;
        } catch (CharacterCodingException e) {
            throw NumbatException.userError("state store key is not valid Unicode: %s", key);
        }
    }
}
