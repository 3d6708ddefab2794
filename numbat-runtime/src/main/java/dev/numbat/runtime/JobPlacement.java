package dev.numbat.runtime;

/**
 * Which channels of a task graph run in this process, and how their batches reach the channels that run in
 * other processes. {@link #ALL_LOCAL} runs the whole graph here with in-memory exchanges only; a cluster
 * executor runs its share of a graph and passes an implementation whose sinks and feeds cross the network.
 *
 * <p>Edges are named by their index in {@link TaskGraph#edges()}; {@link #RESULT_EDGE} is the output node's
 * stream to the client. Within this process exchanges stay in-memory and zero-copy whatever the placement.
 */
public interface JobPlacement {

    /** The edge index of the output node's results. */
    int RESULT_EDGE = -1;

    /** Every channel runs in this process; results go to {@link Job#results()}. */
    JobPlacement ALL_LOCAL = new JobPlacement() {
        @Override
        public boolean isLocal(int node, int channel) {
            return true;
        }

        @Override
        public RemoteSink openSink(int edge, int producer, int consumer) {
            throw new IllegalStateException("no remote channels");
        }

        @Override
        public void openFeed(int edge, int producer, int consumer, RemoteInput input) {
            throw new IllegalStateException("no remote channels");
        }
    };

    /** True if channel {@code channel} of node {@code node} runs in this process. */
    boolean isLocal(int node, int channel);

    /**
     * Producer side: the sink for what local channel {@code producer} sends on {@code edge} to the remote
     * consumer channel {@code consumer} (0 for {@link #RESULT_EDGE}). Called while the job is built.
     */
    RemoteSink openSink(int edge, int producer, int consumer);

    /**
     * Consumer side: starts delivering, into {@code input}, what the remote channel {@code producer} sends on
     * {@code edge} to local channel {@code consumer}. Called once the job has started; must not block.
     */
    void openFeed(int edge, int producer, int consumer, RemoteInput input);

    /** True if the output node's results go to {@link #openSink} with {@link #RESULT_EDGE}, not to this job. */
    default boolean resultsRemote() {
        return false;
    }

    /** Called once when this process's part of the job has ended; {@code failure} is null on success. */
    default void jobEnded(Throwable failure) {
    }
}
