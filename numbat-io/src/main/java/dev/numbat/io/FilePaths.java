package dev.numbat.io;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Turns what a user passes as a path into the files to read: a file, a directory (all files below it,
 * recursively, except hidden ones and those starting with {@code _} or {@code .}, as Spark and DuckDB skip
 * marker files), or a glob ({@code *}, {@code ?}, {@code **}, {@code {a,b}}).
 */
public final class FilePaths {
    private FilePaths() {
    }

    /** The matching regular files in sorted order; a path that matches nothing is a USER_ERROR. */
    public static List<Path> expand(String path) {
        String p = path.startsWith("file://") ? path.substring("file://".length())
                : path.startsWith("file:") ? path.substring("file:".length()) : path;
        int glob = firstGlobChar(p);
        List<Path> out = new ArrayList<>();
        if (glob < 0) {
            Path file = Paths.get(p);
            if (Files.isRegularFile(file)) {
                out.add(file);
            } else if (Files.isDirectory(file)) {
                walk(file, null, out);
                if (out.isEmpty()) {
                    throw NumbatException.userError("directory %s contains no data files", path);
                }
            } else {
                throw new NumbatException(ErrorCode.USER_ERROR, "no such file or directory: " + path);
            }
        } else {
            int slash = p.lastIndexOf('/', glob);
            Path base = slash < 0 ? Paths.get(".") : Paths.get(slash == 0 ? "/" : p.substring(0, slash));
            if (!Files.isDirectory(base)) {
                throw new NumbatException(ErrorCode.USER_ERROR, "no such directory: " + base + " (in " + path + ")");
            }
            String pattern = slash < 0 ? p : p.substring(slash + 1);
            PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
            walk(base, f -> matcher.matches(base.relativize(f)), out);
            if (out.isEmpty()) {
                throw new NumbatException(ErrorCode.USER_ERROR, "no files match " + path);
            }
        }
        out.sort(null);
        return out;
    }

    private static void walk(Path dir, java.util.function.Predicate<Path> accept, List<Path> out) {
        try (Stream<Path> files = Files.walk(dir)) {
            files.filter(Files::isRegularFile)
                    .filter(f -> !hidden(dir.relativize(f)))
                    .filter(f -> accept == null || accept.test(f))
                    .forEach(out::add);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot list " + dir + ": " + e.getMessage(), e);
        } catch (UncheckedIOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot list " + dir + ": " + e.getCause().getMessage(), e);
        }
    }

    private static boolean hidden(Path relative) {
        for (Path part : relative) {
            String name = part.toString();
            if (name.startsWith(".") || name.startsWith("_")) {
                return true;
            }
        }
        return false;
    }

    private static int firstGlobChar(String p) {
        for (int i = 0; i < p.length(); i++) {
            char c = p.charAt(i);
            if (c == '*' || c == '?' || c == '{' || c == '[') {
                return i;
            }
        }
        return -1;
    }
}
