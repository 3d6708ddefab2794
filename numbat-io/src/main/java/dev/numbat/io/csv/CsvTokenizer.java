package dev.numbat.io.csv;

import dev.numbat.core.ErrorCode;
import dev.numbat.core.NumbatException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Cuts the bytes of one byte range of a CSV file into rows and fields, without decoding them.
 *
 * <p>Why hand-written: CSV libraries hand out a {@code String} per field, which costs an allocation and a
 * UTF-8 decode per value; here a field is just a (start, end) pair of offsets into {@link #buf}, and the
 * reader parses numbers and dates from those bytes and copies strings straight into Arrow vectors.
 *
 * <p>Byte ranges: a row belongs to the range its first byte lies in. A tokenizer for {@code [start, end)} with
 * {@code start > 0} therefore skips to just past the first {@code '\n'} at or after {@code start - 1} (the
 * row that straddles {@code start} belongs to the previous range), and it keeps reading past {@code end} to
 * finish the last row that began before {@code end}. This is only sound when newlines never occur inside
 * quotes; with {@code allowQuotedNewlines} a file is read as a single range.
 *
 * <p>Buffering: the file is read with positional {@link FileChannel} reads into one heap array (heap arrays
 * give the JIT the simplest bounds-checked loop). A row that runs off the end of the buffer is moved to the
 * front, the rest is refilled and the row is tokenized again from its start; a row longer than the buffer
 * grows it.
 */
final class CsvTokenizer implements AutoCloseable {
    /** {@link #next} found a row; its fields are in {@link #fieldStart}/{@link #fieldEnd}/{@link #fieldFlags}. */
    static final int ROW = 0;
    /** No more rows start in this range. */
    static final int END = 1;
    /** A quoted field is not closed before the line (or, with quoted newlines, the file) ends. */
    static final int UNTERMINATED_QUOTE = 2;
    /** A closing quote is followed by something other than a delimiter or a line end. */
    static final int TEXT_AFTER_QUOTE = 3;

    static final byte QUOTED = 1;
    static final byte ESCAPED = 2;

    static final int DEFAULT_BUFFER = 4 << 20;
    /** Past the end of the range only the tail of one row is needed: read it in small pieces. */
    private static final int TAIL_READ = 64 << 10;

    private final Path path;
    private final FileChannel channel;
    private final long fileSize;
    private final long end;
    private final byte delimiter;
    private final byte quote;
    private final byte escape;
    private final boolean escapeIsQuote;
    private final boolean allowQuotedNewlines;

    byte[] buf;
    private int pos;
    private int limit;
    /** File offset of {@code buf[0]}. */
    private long bufOffset;
    /** Nothing more to read from the file: {@code limit} is the end of the data. */
    private boolean eof;
    private boolean finished;

    int[] fieldStart = new int[16];
    int[] fieldEnd = new int[16];
    byte[] fieldFlags = new byte[16];
    int fieldCount;
    /** File offset of the first byte of the row last returned (or of the malformed row). */
    long rowStart;
    /** For a malformed row: the field at fault. */
    int errorField;
    private int errorPos;

    CsvTokenizer(Path path, long start, long end, CsvOptions options, int bufferSize) {
        this.path = path;
        this.end = end;
        this.delimiter = (byte) options.delimiter();
        this.quote = (byte) options.quote();
        this.escape = (byte) options.escape();
        this.escapeIsQuote = escape == quote;
        this.allowQuotedNewlines = options.allowQuotedNewlines();
        try {
            this.channel = FileChannel.open(path, StandardOpenOption.READ);
            this.fileSize = channel.size();
        } catch (NoSuchFileException e) {
            throw new NumbatException(ErrorCode.USER_ERROR, "no such CSV file: " + path, e);
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot open CSV file " + path + ": " + e, e);
        }
        try {
            long span = Math.max(0, Math.min(end, fileSize) - start);
            this.buf = new byte[(int) Math.max(TAIL_READ, Math.min(bufferSize, span + TAIL_READ))];
            if (start > 0) {
                bufOffset = start - 1;
                skipLineRemainder();
            } else {
                bufOffset = 0;
            }
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Tokenizes the next row that starts in the range. Empty lines are skipped (as DuckDB does). Returns
     * {@link #ROW}, {@link #END}, or an error status; after an error, {@link #skipMalformed} moves on.
     */
    int next() {
        while (true) {
            if (finished) {
                return END;
            }
            rowStart = bufOffset + pos;
            if (rowStart >= end) {
                finished = true;
                return END;
            }
            int status = tokenize();
            if (status < 0) {
                // The row runs past the buffered bytes: read more and tokenize it again from its start. At the
                // end of the file refill() sets eof, and the next attempt ends the row there.
                refill();
                continue;
            }
            if (status == ROW && fieldCount == 1 && fieldEnd[0] == fieldStart[0] && fieldFlags[0] == 0) {
                continue; // empty line
            }
            if (status == END) {
                finished = true;
            }
            return status;
        }
    }

    /**
     * One attempt at the row starting at {@code pos}. Returns -1 when the row runs past the buffered data and
     * more can be read. The loop is written for the common case: unquoted fields scanned for the delimiter or
     * a newline.
     */
    private int tokenize() {
        final byte[] b = buf;
        final int lim = limit;
        final byte delim = delimiter;
        int p = pos;
        if (p >= lim) {
            return eof ? END : -1;
        }
        int nf = 0;
        while (true) {
            int s;
            int e;
            byte flags = 0;
            if (p < lim && b[p] == quote) {
                flags = QUOTED;
                s = ++p;
                while (true) {
                    if (p >= lim) {
                        if (!eof) {
                            return -1;
                        }
                        errorField = nf;
                        errorPos = lim;
                        return UNTERMINATED_QUOTE;
                    }
                    byte c = b[p];
                    if (c == quote) {
                        if (escapeIsQuote) {
                            if (p + 1 >= lim && !eof) {
                                return -1; // cannot tell "" from a closing quote yet
                            }
                            if (p + 1 < lim && b[p + 1] == quote) {
                                flags |= ESCAPED;
                                p += 2;
                                continue;
                            }
                        }
                        break;
                    }
                    if (c == escape && !escapeIsQuote) {
                        flags |= ESCAPED;
                        p += 2;
                        continue;
                    }
                    if (c == '\n' && !allowQuotedNewlines) {
                        errorField = nf;
                        errorPos = p;
                        return UNTERMINATED_QUOTE;
                    }
                    p++;
                }
                e = p++;
                if (p < lim) {
                    byte c = b[p];
                    if (c == '\r') {
                        if (p + 1 < lim) {
                            if (b[p + 1] != '\n') {
                                errorField = nf;
                                errorPos = p;
                                return TEXT_AFTER_QUOTE;
                            }
                            p++;
                        } else if (!eof) {
                            return -1;
                        } else {
                            p++;
                        }
                    } else if (c != delim && c != '\n') {
                        errorField = nf;
                        errorPos = p;
                        return TEXT_AFTER_QUOTE;
                    }
                }
            } else {
                s = p;
                while (p < lim) {
                    byte c = b[p];
                    if (c == delim || c == '\n') {
                        break;
                    }
                    p++;
                }
                e = p;
            }
            if (p >= lim && !eof) {
                return -1;
            }
            if (nf == fieldStart.length) {
                growFields();
            }
            fieldStart[nf] = s;
            fieldEnd[nf] = e;
            fieldFlags[nf] = flags;
            nf++;
            if (p < lim && b[p] == delim) {
                p++;
                continue;
            }
            // Line end: '\n' or the end of the file. Drop the '\r' of a CRLF from an unquoted last field.
            if (flags == 0 && e > s && b[e - 1] == '\r') {
                fieldEnd[nf - 1] = e - 1;
            }
            pos = p < lim ? p + 1 : p;
            fieldCount = nf;
            return ROW;
        }
    }

    private void growFields() {
        int n = fieldStart.length * 2;
        fieldStart = java.util.Arrays.copyOf(fieldStart, n);
        fieldEnd = java.util.Arrays.copyOf(fieldEnd, n);
        fieldFlags = java.util.Arrays.copyOf(fieldFlags, n);
    }

    /** After an error status: drops the rest of the malformed row so that {@link #next} goes on after it. */
    void skipMalformed() {
        pos = errorPos;
        skipLineRemainder();
    }

    /** Moves {@code pos} just past the next '\n' (or to the end of the data). */
    private void skipLineRemainder() {
        while (true) {
            final byte[] b = buf;
            for (int p = pos, lim = limit; p < lim; p++) {
                if (b[p] == '\n') {
                    pos = p + 1;
                    return;
                }
            }
            pos = limit;
            if (!refill()) {
                finished = true;
                return;
            }
        }
    }

    /**
     * Keeps the bytes from {@code pos} on (the unfinished row), moves them to the front and reads more after
     * them. Returns false at the end of the file.
     */
    private boolean refill() {
        if (eof) {
            return false;
        }
        if (pos > 0) {
            int keep = limit - pos;
            System.arraycopy(buf, pos, buf, 0, keep);
            bufOffset += pos;
            limit = keep;
            pos = 0;
        }
        if (limit == buf.length) {
            if (buf.length > (1 << 30)) {
                throw NumbatException.userError("%s: a line longer than 1 GB starts at byte %d", path, bufOffset);
            }
            buf = java.util.Arrays.copyOf(buf, buf.length * 2);
        }
        long filePos = bufOffset + limit;
        int want = buf.length - limit;
        if (filePos >= end) {
            want = Math.min(want, TAIL_READ);
        } else {
            // end may be Long.MAX_VALUE (read to the end of the file): compare before adding.
            long toEnd = end - filePos;
            if (toEnd < want - TAIL_READ) {
                want = (int) toEnd + TAIL_READ;
            }
        }
        ByteBuffer target = ByteBuffer.wrap(buf, limit, want);
        try {
            while (target.hasRemaining()) {
                int n = channel.read(target, filePos);
                if (n < 0) {
                    break;
                }
                filePos += n;
            }
        } catch (IOException e) {
            throw new NumbatException(ErrorCode.IO_ERROR, "cannot read CSV file " + path + ": " + e, e);
        }
        int read = target.position() - limit;
        limit = target.position();
        if (read < want || bufOffset + limit >= fileSize) {
            eof = true;
        }
        return read > 0;
    }

    /**
     * Removes escapes from field {@code f} in place (the result is never longer) and returns its new end.
     * Only call once the whole row has been tokenized: it rewrites the buffer.
     */
    int unescape(int f) {
        final byte[] b = buf;
        int s = fieldStart[f];
        int e = fieldEnd[f];
        int w = s;
        for (int r = s; r < e; r++) {
            byte c = b[r];
            if ((c == escape) && r + 1 < e) {
                // "" (escape == quote) or \x: keep the next byte, drop this one.
                c = b[++r];
            }
            b[w++] = c;
        }
        fieldEnd[f] = w;
        fieldFlags[f] &= ~ESCAPED;
        return w;
    }

    /** The bytes of field {@code f} as text, cut to {@code max} characters, for error messages. */
    String fieldText(int f, int max) {
        int s = fieldStart[f];
        int len = Math.min(fieldEnd[f] - s, max * 4);
        String text = new String(buf, s, Math.max(0, len), StandardCharsets.UTF_8);
        return text.length() > max ? text.substring(0, max) + "..." : text;
    }

    /** The 1-based line number of the line holding file offset {@code offset}: counts newlines before it. */
    long lineNumberAt(long offset) {
        long lines = 1;
        ByteBuffer chunk = ByteBuffer.allocate(1 << 20);
        long p = 0;
        try {
            while (p < offset) {
                chunk.clear();
                chunk.limit((int) Math.min(chunk.capacity(), offset - p));
                int n = channel.read(chunk, p);
                if (n <= 0) {
                    break;
                }
                byte[] a = chunk.array();
                for (int i = 0; i < n; i++) {
                    if (a[i] == '\n') {
                        lines++;
                    }
                }
                p += n;
            }
        } catch (IOException e) {
            return -1;
        }
        return lines;
    }

    Path path() {
        return path;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // reading is done; nothing was written
        }
    }
}
