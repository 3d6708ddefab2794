package dev.numbat.core;

import java.util.Objects;

/** The one exception type Numbat throws to users; {@link #code()} says which kind of failure it is. */
public class NumbatException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;

    public NumbatException(ErrorCode code, String message) {
        this(code, message, null);
    }

    public NumbatException(ErrorCode code, String message, Throwable cause) {
        super(message, cause);
        this.code = Objects.requireNonNull(code, "code");
    }

    public ErrorCode code() {
        return code;
    }

    public static NumbatException userError(String format, Object... args) {
        return new NumbatException(ErrorCode.USER_ERROR, String.format(format, args));
    }

    public static NumbatException internal(String message, Throwable cause) {
        return new NumbatException(ErrorCode.INTERNAL, message, cause);
    }

    @Override
    public String toString() {
        return "NumbatException[" + code + "]: " + getMessage();
    }
}
