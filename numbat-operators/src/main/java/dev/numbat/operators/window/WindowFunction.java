package dev.numbat.operators.window;

/** The functions {@link WindowOperator} computes over a window. */
public enum WindowFunction {
    /** 1, 2, 3, ... in the partition's order. */
    ROW_NUMBER(false),
    /** One more than the number of rows before the row's peer group. */
    RANK(false),
    /** The number of distinct peer groups up to the row's. */
    DENSE_RANK(false),
    /** The argument {@code offset} rows before, or the default. */
    LAG(true),
    /** The argument {@code offset} rows after, or the default. */
    LEAD(true),
    /** The argument at the frame's first row. */
    FIRST_VALUE(true),
    /** The argument at the frame's last row. */
    LAST_VALUE(true),
    /** Sum of the non-NULL arguments in the frame; NULL when there are none. */
    SUM(true),
    /** As {@link #SUM} but 0 when there are none (Calcite's {@code $SUM0}). */
    SUM0(true),
    /** Average of the non-NULL arguments in the frame, as DOUBLE. */
    AVG(true),
    MIN(true),
    MAX(true),
    /** Rows in the frame whose argument is not NULL. */
    COUNT(true),
    /** Rows in the frame. */
    COUNT_STAR(false);

    private final boolean takesArgument;

    WindowFunction(boolean takesArgument) {
        this.takesArgument = takesArgument;
    }

    public boolean takesArgument() {
        return takesArgument;
    }

    /** True for the functions whose value does not depend on the frame. */
    public boolean ignoresFrame() {
        return switch (this) {
            case ROW_NUMBER, RANK, DENSE_RANK, LAG, LEAD -> true;
            default -> false;
        };
    }
}
