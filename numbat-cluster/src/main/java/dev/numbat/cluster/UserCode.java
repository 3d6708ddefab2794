package dev.numbat.cluster;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.CodeSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * User operators travel as the jars that hold their classes: the client finds each class's jar (or packs
 * its class directory into one), and executors load them in a class loader of the query's own, dropped when
 * the query ends.
 */
public final class UserCode {
    private UserCode() {
    }

    /** The jars holding {@code classes}, by file name; a class directory (an IDE or test build) is packed. */
    public static Map<String, byte[]> jarsOf(Collection<Class<?>> classes) {
        Map<String, byte[]> jars = new LinkedHashMap<>();
        for (Class<?> c : classes) {
            CodeSource source = c.getProtectionDomain().getCodeSource();
            if (source == null || source.getLocation() == null) {
                throw NumbatException.userError("cannot find the jar of user class %s to ship to the cluster",
                        c.getName());
            }
            Path path;
            try {
                path = Path.of(source.getLocation().toURI());
            } catch (URISyntaxException e) {
                throw NumbatException.userError("cannot ship %s: bad code location %s", c.getName(), source.getLocation());
            }
            String name = (Files.isDirectory(path) ? "classes-" + Integer.toHexString(path.toString().hashCode())
                    + ".jar" : path.getFileName().toString());
            if (!jars.containsKey(name)) {
                jars.put(name, Files.isDirectory(path) ? pack(path) : read(path));
            }
        }
        return jars;
    }

    /**
     * Writes the jars into {@code dir} and returns a loader over them (parent: Numbat's own loader); without
     * jars, a loader over nothing and no directory.
     */
    public static URLClassLoader loader(Path dir, Map<String, byte[]> jars) {
        if (jars.isEmpty()) {
            return new URLClassLoader(new URL[0], UserCode.class.getClassLoader());
        }
        List<URL> urls = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            for (Map.Entry<String, byte[]> jar : jars.entrySet()) {
                String name = Path.of(jar.getKey()).getFileName().toString(); // no path tricks
                Path file = dir.resolve(name);
                Files.write(file, jar.getValue());
                urls.add(file.toUri().toURL());
            }
        } catch (MalformedURLException e) {
            throw NumbatException.internal("bad jar path", e);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot store user jars in " + dir + ": " + e.getMessage(), e);
        }
        return new URLClassLoader(urls.toArray(new URL[0]), UserCode.class.getClassLoader());
    }

    private static byte[] read(Path jar) {
        try {
            return Files.readAllBytes(jar);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] pack(Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JarOutputStream out = new JarOutputStream(bytes); Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace('\\', '/')));
                out.write(Files.readAllBytes(f));
                out.closeEntry();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }
}
