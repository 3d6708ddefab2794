package dev.numbat.cli.shell;

import java.util.Locale;

/** How {@code numbat sql} writes query results to standard output. */
public enum OutputFormat {
    /** A boxed table that fits the terminal, with a row count (and timing) footer. */
    TABLE,
    /** RFC 4180 CSV with a header line; NULL is an empty field, an empty string is {@code ""}. */
    CSV,
    /** JSON Lines: one object per row, keyed by column name. */
    JSON,
    /** An Arrow IPC stream (schema, record batches, end-of-stream marker) per statement. */
    ARROW;

    public static OutputFormat parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown format '" + text + "': use table, csv, json or arrow");
        }
    }
}
