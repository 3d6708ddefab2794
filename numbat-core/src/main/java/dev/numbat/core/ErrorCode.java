package dev.numbat.core;

/** The category of a {@link NumbatException}; mapped once to gRPC/Flight status at the network boundary. */
public enum ErrorCode {
    /** Bad input from the user: malformed data, bad arguments, unknown names, missing files. */
    USER_ERROR,
    /** An I/O failure reading or writing data that is not the user's fault. */
    IO_ERROR,
    /** Memory or another resource ran out. */
    RESOURCE_EXHAUSTED,
    /** The job was cancelled by the user or because another part of it failed. */
    CANCELLED,
    /** A user-written operator or function threw. */
    OPERATOR_FAILED,
    /** An executor process was lost. */
    EXECUTOR_LOST,
    /** A bug in Numbat. */
    INTERNAL
}
