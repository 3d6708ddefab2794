package dev.numbat.cluster.codec;

import com.google.protobuf.ByteString;
import dev.numbat.cluster.proto.UserObject;
import dev.numbat.core.NumbatException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * User objects (a user's operator factory, source, partitioner or join filter) as {@link UserObject}
 * messages: the one place a plan uses Java serialization. Reading one back needs the receiver's consent
 * ({@code allowUserCode}) and resolves classes only through the receiver's class loader.
 */
final class UserObjects {
    private UserObjects() {
    }

    /** What an encoding pass collects besides the message. */
    static final class Encoding {
        /** When true, user objects are not serialized and in-memory data is not copied: only classes count. */
        final boolean classesOnly;
        final Set<Class<?>> userClasses = new LinkedHashSet<>();

        Encoding(boolean classesOnly) {
            this.classesOnly = classesOnly;
        }
    }

    /** How a decoding pass treats user objects. */
    record Decoding(ClassLoader userCode, boolean allowUserCode) {
        Decoding {
            Objects.requireNonNull(userCode, "userCode");
        }
    }

    static UserObject encode(Object o, Encoding enc) {
        Class<?> cls = userClass(o);
        enc.userClasses.add(cls);
        UserObject.Builder b = UserObject.newBuilder().setClassName(cls.getName());
        if (enc.classesOnly) {
            return b.build();
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        } catch (IOException e) {
            // NotSerializableException names the class that is not serializable (maybe a captured value).
            throw new NumbatException(dev.numbat.core.ErrorCode.USER_ERROR, "user object " + cls.getName()
                    + " cannot be sent to the cluster: it must be serializable with everything it holds (" + e + ")",
                    e);
        }
        return b.setJavaSerialized(ByteString.copyFrom(bytes.toByteArray())).build();
    }

    /**
     * Reads a user object of type {@code type}; {@code what} names its role for errors ("operator").
     *
     * @throws NumbatException USER_ERROR when user code is not allowed, a class is missing, or the object is
     *                         not a {@code type}
     */
    static <T> T decode(UserObject p, Class<T> type, String what, Decoding dec) {
        if (!dec.allowUserCode()) {
            throw NumbatException.userError("user code is not allowed here: the plan holds the user %s %s", what,
                    p.getClassName());
        }
        Object o;
        try (ObjectInputStream in = new LoaderObjectInputStream(
                new ByteArrayInputStream(p.getJavaSerialized().toByteArray()), dec.userCode())) {
            o = in.readObject();
        } catch (ClassNotFoundException e) {
            throw new NumbatException(dev.numbat.core.ErrorCode.USER_ERROR, "user " + what + " " + p.getClassName()
                    + ": class " + e.getMessage() + " not found (is its jar shipped with the job?)", e);
        } catch (IOException | RuntimeException e) {
            throw new NumbatException(dev.numbat.core.ErrorCode.USER_ERROR, "cannot read the user " + what + " "
                    + p.getClassName() + ": " + e, e);
        }
        if (!type.isInstance(o)) {
            throw NumbatException.userError("user %s %s is a %s, not a %s", what, p.getClassName(),
                    o == null ? "null" : o.getClass().getName(), type.getName());
        }
        return type.cast(o);
    }

    /**
     * The class a user object comes from: its own class, or for a serializable lambda (whose class is hidden
     * and cannot be found by name) the class that wrote the lambda, which lives in the same jar.
     */
    static Class<?> userClass(Object o) {
        Class<?> cls = o.getClass();
        if (!cls.isHidden() && !cls.isSynthetic()) {
            return cls;
        }
        try {
            Method writeReplace = cls.getDeclaredMethod("writeReplace");
            writeReplace.setAccessible(true);
            if (writeReplace.invoke(o) instanceof SerializedLambda lambda) {
                return Class.forName(lambda.getCapturingClass().replace('/', '.'), false, cls.getClassLoader());
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not a serializable lambda (or not accessible): its own class is the best answer
        }
        return cls;
    }

    /** Resolves every class of the stream through one class loader (the receiver's user-code loader). */
    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private static final Map<String, Class<?>> PRIMITIVES = Map.of("boolean", boolean.class, "byte", byte.class,
                "char", char.class, "short", short.class, "int", int.class, "long", long.class, "float",
                float.class, "double", double.class, "void", void.class);

        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws ClassNotFoundException {
            Class<?> primitive = PRIMITIVES.get(desc.getName());
            return primitive != null ? primitive : Class.forName(desc.getName(), false, loader);
        }

        @Override
        @SuppressWarnings("deprecation") // the defining loader must be ours, which newProxyInstance cannot say
        protected Class<?> resolveProxyClass(String[] interfaces) throws ClassNotFoundException {
            Class<?>[] resolved = new Class<?>[interfaces.length];
            for (int i = 0; i < interfaces.length; i++) {
                resolved[i] = Class.forName(interfaces[i], false, loader);
            }
            try {
                return Proxy.getProxyClass(loader, resolved);
            } catch (IllegalArgumentException e) {
                throw new ClassNotFoundException("proxy for " + String.join(", ", interfaces), e);
            }
        }
    }
}
