package dev.numbat.client;

import java.nio.file.Path;
import java.util.List;

/** What a write produced: the files (one per channel that received rows) and the rows written. */
public record WriteResult(List<Path> files, long rows) {
}
