package dev.numbat.runtime;

/**
 * Tuning of the local runtime.
 *
 * @param threads worker threads shared by all channels of all jobs
 * @param channelCredit batches an input of one channel may hold before its producers must wait
 */
public record RuntimeOptions(int threads, int channelCredit) {
    public RuntimeOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        if (channelCredit < 1) {
            throw new IllegalArgumentException("channelCredit must be at least 1, got " + channelCredit);
        }
    }

    /** One thread per core and a credit of 4 batches per channel input. */
    public static RuntimeOptions defaults() {
        return new RuntimeOptions(Runtime.getRuntime().availableProcessors(), 4);
    }

    public RuntimeOptions withThreads(int n) {
        return new RuntimeOptions(n, channelCredit);
    }

    public RuntimeOptions withChannelCredit(int n) {
        return new RuntimeOptions(threads, n);
    }
}
