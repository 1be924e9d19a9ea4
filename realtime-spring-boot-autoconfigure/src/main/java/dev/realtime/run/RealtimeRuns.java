package dev.realtime.run;

import dev.realtime.Channel;
import dev.realtime.RealtimeMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;

/**
 * Starts runs: work bound to a channel, executed off the caller's thread with retries,
 * whose progress and lifecycle ({@code running}, {@code completed}, {@code failed},
 * {@code cancelled}) are published on the reserved {@code $run} topic of the channel.
 * <pre class="code">
 * RunHandle&lt;Draft&gt; handle = runs.start(ContentPipelineChannel.of(runId), RunOptions.defaults().withRunId(runId),
 *         (run) -&gt; {
 *             ContentPipelineChannel channel = ContentPipelineChannel.of(run.runId());
 *             run.step("research-started").publish(channel.status(), new Status("Researching", "research"));
 *             Approval approval = run.step("approval").run(Approval.class,
 *                     () -&gt; run.awaitReply(channel.approval(), Duration.ofMinutes(5)));
 *             return new Draft(...);
 *         });
 * </pre>
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface RealtimeRuns {

	/**
	 * Start a run with a generated id and the default retry policy.
	 * @param <R> the result type
	 * @param channel the channel the run publishes to and takes replies from
	 * @param work the work, executed once per attempt
	 * @return the handle of the run
	 * @throws RunRejectedException if the run executor is full
	 */
	<R> RunHandle<R> start(Channel channel, RunWork<R> work);

	/**
	 * Start a run.
	 * @param <R> the result type
	 * @param channel the channel the run publishes to and takes replies from
	 * @param options the run id and retry policy
	 * @param work the work, executed once per attempt
	 * @return the handle of the run
	 * @throws RunRejectedException if the run executor is full
	 * @throws IllegalStateException if a run with the same id is active on this node
	 */
	<R> RunHandle<R> start(Channel channel, RunOptions options, RunWork<R> work);

	/**
	 * Find an active run started on this node.
	 * @param runId the run id
	 * @return the handle, or {@code null} if no such run is active here
	 */
	@Nullable RunHandle<?> find(String runId);

	/**
	 * Observe a run, on this node or another one sharing the engine: the run's messages
	 * the channel history still holds, then live ones, including its lifecycle statuses,
	 * completing after the terminal one.
	 * @param channel the run's channel
	 * @param runId the run id
	 * @return the messages of the run, payloads decoded to their topic types and
	 * lifecycle payloads as JSON trees
	 */
	Flux<RealtimeMessage<Object>> observe(Channel channel, String runId);

}
