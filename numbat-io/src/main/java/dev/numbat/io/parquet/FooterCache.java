package dev.numbat.io.parquet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;

/**
 * Parquet footers shared by every source in the process, keyed by file, size and modification time, so a
 * plan decoded on an executor (a fresh source each query) does not re-read the footers of unchanged files.
 * A small LRU: footers of large files are tens of kilobytes.
 */
final class FooterCache {
    private static final int MAX_ENTRIES = 512;

    private record Key(String path, long size, long modified) {
    }

    private static final Map<Key, ParquetMetadata> CACHE = new LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Key, ParquetMetadata> eldest) {
            return size() > MAX_ENTRIES;
        }
    };

    private FooterCache() {
    }

    static ParquetMetadata get(Path file, Supplier<ParquetMetadata> read) {
        Key key;
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            key = new Key(file.toAbsolutePath().toString(), a.size(), a.lastModifiedTime().toMillis());
        } catch (IOException e) {
            // Unreadable attributes: read the footer, which reports the problem with the file's name.
            return read.get();
        }
        synchronized (CACHE) {
            ParquetMetadata m = CACHE.get(key);
            if (m != null) {
                return m;
            }
        }
        ParquetMetadata m = read.get();
        synchronized (CACHE) {
            CACHE.put(key, m);
        }
        return m;
    }
}
