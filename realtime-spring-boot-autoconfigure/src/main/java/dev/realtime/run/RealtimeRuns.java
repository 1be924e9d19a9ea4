package dev.realtime.run;

import dev.realtime.Channel;
import dev.realtime.RealtimeMessage;
import org.jspecify.annotations.Nullable;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

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
	 * Start a named run: its definition must be registered (a bean), so that another node
	 * can execute it again from its input when this one is gone.
	 * @param <I> the input type
	 * @param <R> the result type
	 * @param definition the registered definition
	 * @param channel the channel the run publishes to and takes replies from
	 * @param input the input, validated and serialized with the application's
	 * {@code JsonMapper} before anything starts
	 * @param options the run id and retry policy
	 * @return the handle of the run
	 * @throws IllegalArgumentException if the definition is not registered
	 * @throws dev.realtime.InvalidPayloadException if the input fails validation
	 * @throws RunRejectedException if the run executor is full
	 * @throws IllegalStateException if a run with the same id is active on this node
	 */
	<I, R> RunHandle<R> start(RunDefinition<I, R> definition, Channel channel, I input, RunOptions options);

	/**
	 * Start a named run by the name of its registered definition.
	 * @param definition the name of the definition
	 * @param channel the channel the run publishes to and takes replies from
	 * @param input the input, converted to the definition's input type if needed
	 * @param options the run id and retry policy
	 * @return the handle of the run
	 * @throws IllegalArgumentException if no definition has that name
	 * @throws dev.realtime.InvalidPayloadException if the input fails validation
	 * @see #start(RunDefinition, Channel, Object, RunOptions)
	 */
	RunHandle<?> start(String definition, Channel channel, Object input, RunOptions options);

	/**
	 * Cancel a run wherever it executes: on this node at once, on another one through the
	 * engine. Its work is interrupted, a reactive upstream it consumes through
	 * {@link Run#consume(org.reactivestreams.Publisher, java.util.function.Consumer)} is
	 * disposed, and it ends {@code cancelled}.
	 * @param channel the run's channel
	 * @param runId the run id
	 * @return what the cancel found
	 */
	Mono<RunCancellation> cancel(Channel channel, String runId);

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
