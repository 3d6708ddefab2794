package dev.numbat.bench.jmh;

import org.openjdk.jmh.annotations.AuxCounters;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Rows and bytes a kernel consumed, which JMH reports as rates beside the operation rate: with one benchmark
 * thread, {@code rows} is rows per second per core.
 */
@State(Scope.Thread)
@AuxCounters(AuxCounters.Type.OPERATIONS)
public class RowCounters {
    /** Input rows consumed. */
    public long rows;
    /** Input bytes consumed (file bytes for the readers, Arrow buffer bytes for operators). */
    public long bytes;

    @Setup(Level.Iteration)
    public void reset() {
        rows = 0;
        bytes = 0;
    }
}
