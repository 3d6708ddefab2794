/**
 * The Arrow Flight data plane of a Numbat cluster: how batches move between channels that run in different
 * executor processes, and how the scheduler reads a query's results.
 *
 * <ul>
 *   <li>{@link dev.numbat.cluster.exchange.ExchangeService} (one per executor) keeps every output a local
 *       producer channel sends to a remote consumer channel in an {@link dev.numbat.cluster.exchange.OutputBuffer}
 *       until the query is released (upstream backup; spilled as Arrow IPC beyond a memory budget), with
 *       credit-based flow control, and serves the buffers over Flight DoGet
 *       ({@link dev.numbat.cluster.proto.ExchangeTicket}); add {@code bindable(executor)} to the executor's
 *       gRPC server.</li>
 *   <li>{@link dev.numbat.cluster.exchange.FlightFeed} reads one stream into a consumer channel's
 *       {@link dev.numbat.runtime.RemoteInput}; a broken stream fails with EXECUTOR_LOST naming the
 *       location.</li>
 *   <li>{@link dev.numbat.cluster.exchange.ClusterPlacement} is the {@link dev.numbat.runtime.JobPlacement} an
 *       executor passes to {@code LocalRuntime.submit} for its share of a query.</li>
 *   <li>{@link dev.numbat.cluster.exchange.ResultsReader} merges the result streams of a query's output
 *       channels for the scheduler or a client.</li>
 * </ul>
 */
package dev.numbat.cluster.exchange;
