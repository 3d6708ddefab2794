package dev.numbat.operators.join;

/**
 * The kinds of join {@link HashJoinOperator} runs. "Left" is the probe side (input 0), "right" the build side
 * (input 1), as in Calcite's {@code JoinRelType} once the planner has put the side to hash on the right.
 */
public enum JoinType {
    /** Pairs of rows whose keys are equal and that pass the residual condition. */
    INNER,
    /** INNER plus every probe row without a partner, with NULL build columns. */
    LEFT,
    /** INNER plus every build row without a partner, with NULL probe columns. */
    RIGHT,
    /** INNER plus the unmatched rows of both sides. */
    FULL,
    /** Each probe row that has at least one partner, once, probe columns only ({@code EXISTS}). */
    SEMI,
    /**
     * Each probe row that has no partner, probe columns only ({@code NOT EXISTS}). A probe row with a NULL key
     * has no partner, so it is emitted: this is not the null-aware {@code NOT IN}, which a planner rewrites.
     */
    ANTI;

    /** True when the output has the build side's columns. */
    public boolean outputsBuildColumns() {
        return this != SEMI && this != ANTI;
    }

    /** True when probe rows without a partner are emitted padded with NULLs. */
    public boolean keepsUnmatchedProbe() {
        return this == LEFT || this == FULL;
    }

    /** True when build rows without a partner are emitted padded with NULLs (at the end of the probe input). */
    public boolean keepsUnmatchedBuild() {
        return this == RIGHT || this == FULL;
    }
}
