package dev.numbat.io.write;

import dev.numbat.core.NumbatException;
import java.io.Serializable;

/**
 * How {@link CsvWriterOperator} formats files. Fields are quoted with {@code "} only when needed (they hold
 * the delimiter, a quote, a line break, leading or trailing white space, or are empty strings); a quote
 * inside is doubled. NULL is an empty, unquoted field, so an empty string ({@code ""}) stays distinct.
 *
 * @param delimiter the field separator
 * @param header whether the first line names the columns
 */
public record CsvWriteOptions(char delimiter, boolean header) implements Serializable {
    public static final CsvWriteOptions DEFAULT = new CsvWriteOptions(',', true);

    public CsvWriteOptions {
        if (delimiter == '"' || delimiter == '\n' || delimiter == '\r' || delimiter > 127) {
            throw NumbatException.userError("CSV delimiter must be an ASCII character other than a quote or a line break");
        }
    }

    public CsvWriteOptions withDelimiter(char d) {
        return new CsvWriteOptions(d, header);
    }

    public CsvWriteOptions withHeader(boolean h) {
        return new CsvWriteOptions(delimiter, h);
    }
}
