package dev.realtime.run;

import java.util.concurrent.Callable;

import dev.realtime.PublishResult;
import dev.realtime.Topic;

/**
 * A durable step of a run, memoized by (run id, step id) in the {@link RunMemoStore}: on
 * a later attempt it returns what the first successful execution recorded, without doing
 * the work again. A step is used for one call.
 * <p>
 * The result is recorded right after the work succeeds. If the process dies, or the
 * engine's acknowledgement of a publish is lost, between the two, a later attempt does
 * the work again: durable steps are exactly once while the node keeps running and the
 * engine answers, at least once otherwise; they are never skipped without having
 * succeeded.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface Step {

	/**
	 * Longest step id accepted.
	 */
	int MAX_ID_LENGTH = 128;

	/**
	 * Return the step id.
	 * @return the step id
	 */
	String id();

	/**
	 * Publish a durable message with the run id attached, once per run: it always enters
	 * the channel history, even when its topic opts out of history, so that late and
	 * reconnecting subscribers receive it.
	 * @param <T> the payload type
	 * @param topic a topic of the run's channel
	 * @param payload the payload
	 * @return the id of the message, recorded by the first attempt that published it
	 * @throws IllegalArgumentException if the topic belongs to another channel
	 * @throws IllegalStateException if the step is used twice, or an earlier attempt
	 * recorded something else under its id
	 * @throws dev.realtime.InvalidPayloadException if the payload fails validation
	 * @throws dev.realtime.PublishException if the engine could not accept the message
	 */
	<T> PublishResult publish(Topic<T> topic, T payload);

	/**
	 * Compute a value once per run: the first attempt that succeeds records it as JSON,
	 * later attempts read it back as the given type without calling the work.
	 * @param <V> the value type
	 * @param type the class the recorded JSON is read back as
	 * @param work computes the value, which must not be {@code null}
	 * @return the value
	 * @throws IllegalStateException if the step is used twice, the work returns
	 * {@code null}, or an earlier attempt recorded something else under its id
	 * @throws Exception what the work throws
	 */
	<V> V run(Class<V> type, Callable<V> work) throws Exception;

}
