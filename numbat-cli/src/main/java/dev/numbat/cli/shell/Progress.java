package dev.numbat.cli.shell;

import java.io.PrintStream;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A one-line progress display on a terminal's standard error for queries that take more than a second: rows
 * so far and elapsed time, rewritten in place, erased when the query ends.
 */
final class Progress implements AutoCloseable {
    private static final long DELAY_MS = 1000;
    private static final long PERIOD_MS = 250;

    private final PrintStream err;
    private final AtomicLong rows;
    private final long start = System.nanoTime();
    private final Thread thread;
    private volatile boolean done;
    private boolean shown;

    private Progress(PrintStream err, AtomicLong rows) {
        this.err = err;
        this.rows = rows;
        this.thread = new Thread(this::loop, "numbat-sql-progress");
        thread.setDaemon(true);
        thread.start();
    }

    /** Starts a display of {@code rows}, or a no-op one when {@code enabled} is false. */
    static AutoCloseable start(boolean enabled, PrintStream err, AtomicLong rows) {
        return enabled ? new Progress(err, rows) : () -> { };
    }

    private void loop() {
        try {
            Thread.sleep(DELAY_MS);
            while (!done) {
                synchronized (this) {
                    if (done) {
                        return;
                    }
                    double seconds = (System.nanoTime() - start) / 1e9;
                    err.printf("\r%,d rows so far, %.1f s ", rows.get(), seconds);
                    err.flush();
                    shown = true;
                }
                Thread.sleep(PERIOD_MS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public synchronized void close() {
        done = true;
        thread.interrupt();
        if (shown) {
            err.print("\r\033[2K");
            err.flush();
        }
    }
}
