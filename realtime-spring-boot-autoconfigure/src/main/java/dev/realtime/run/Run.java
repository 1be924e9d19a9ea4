package dev.realtime.run;

import java.time.Duration;
import java.util.function.Consumer;

import dev.realtime.Channel;
import dev.realtime.PublishResult;
import dev.realtime.Topic;
import org.reactivestreams.Publisher;

/**
 * The context of one attempt of a run, passed to its {@link RunWork}. Used from the
 * thread that executes the attempt.
 * <p>
 * Messages published with {@link #publish(Topic, Object)} are non-durable: an attempt
 * that is retried publishes them again, so subscribers may see them once per attempt.
 * Messages published through a {@link #step(String) step} are durable: published once
 * whatever the number of attempts, and always kept in the channel history.
 * <p>
 * Once the run has ended (cancelled, for example) every publish throws
 * {@link java.util.concurrent.CancellationException}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface Run {

	/**
	 * Most replies kept per topic while nobody waits; older ones are dropped first.
	 */
	int MAX_BUFFERED_REPLIES = 16;

	/**
	 * Return the id of the run, attached to every message it publishes.
	 * @return the run id
	 */
	String runId();

	/**
	 * Return the number of this attempt.
	 * @return the attempt, from 1
	 */
	int attempt();

	/**
	 * Return the channel the run is bound to.
	 * @return the channel
	 */
	Channel channel();

	/**
	 * Publish a non-durable message with the run id attached. It enters the channel
	 * history unless the topic opts out, and is published again when the attempt is
	 * retried.
	 * @param <T> the payload type
	 * @param topic a topic of the run's channel
	 * @param payload the payload
	 * @return the id of the message
	 * @throws IllegalArgumentException if the topic belongs to another channel
	 * @throws dev.realtime.InvalidPayloadException if the payload fails validation
	 * @throws dev.realtime.PublishException if the engine could not accept the message
	 */
	<T> PublishResult publish(Topic<T> topic, T payload);

	/**
	 * Return a durable step, memoized by the run id and the step id across attempts.
	 * @param id the step id: 1 to {@value Step#MAX_ID_LENGTH} letters, digits or
	 * {@code . _ ~ @ + = : / -}, used once per attempt
	 * @return the step
	 * @throws IllegalArgumentException if the id is not allowed
	 * @throws IllegalStateException if this attempt already used the id
	 */
	Step step(String id);

	/**
	 * Wait for the next reply published on a topic of the run's channel without a run id:
	 * by a browser through the publish endpoints (validated against the topic's type
	 * there), or by server code through {@link dev.realtime.RealtimePublisher}. Publishes
	 * nothing. Replies that arrived since the run started and that no earlier call took
	 * are returned first, oldest first; at most {@value #MAX_BUFFERED_REPLIES} are kept
	 * per topic. A reply taken by an attempt that later fails is not offered again: wrap
	 * the call in {@link Step#run(Class, java.util.concurrent.Callable)} to keep it
	 * across attempts.
	 * @param <T> the payload type
	 * @param topic a topic of the run's channel
	 * @param timeout how long to wait
	 * @return the reply
	 * @throws ReplyTimeoutException if no reply arrived in time
	 * @throws InterruptedException if the run was cancelled while waiting
	 * @throws IllegalArgumentException if the topic belongs to another channel
	 */
	<T> T awaitReply(Topic<T> topic, Duration timeout) throws InterruptedException;

	/**
	 * Consume a reactive source, such as an LLM's token stream, on this attempt's thread:
	 * each element is handed to the consumer in order, with bounded demand, and the call
	 * returns when the source completes. Cancelling the run (or this node losing it)
	 * disposes the subscription to the source and interrupts the wait.
	 * @param <T> the element type
	 * @param source the source
	 * @param consumer receives each element, on this thread
	 * @throws InterruptedException if the run was cancelled while waiting
	 * @throws java.util.concurrent.CancellationException if the run has ended
	 * @throws RuntimeException what the source or the consumer threw
	 */
	<T> void consume(Publisher<T> source, Consumer<? super T> consumer) throws InterruptedException;

	/**
	 * Stream text, such as a model's answer, into a stream topic of the run's channel:
	 * each chunk of the source is published in order as it comes, and the whole text is
	 * returned when the source completes. Subscribers that join late, reload or resume
	 * get the text so far as one snapshot; a retried attempt starts the text again.
	 * Cancelling the run disposes the subscription to the source. With Spring AI:
	 * {@code run.stream(channel.answer(), chatClient.prompt(question).stream().content())}.
	 * Wrap the call in {@link Step#run(Class, java.util.concurrent.Callable) a step} to
	 * keep the text of a completed stream across attempts.
	 * @param topic a stream topic of the run's channel
	 * ({@link dev.realtime.TopicOptions#stream() @TopicOptions(stream = true)})
	 * @param chunks the chunks of the text
	 * @return the whole text
	 * @throws InterruptedException if the run was cancelled while streaming
	 * @throws IllegalArgumentException if the topic is no stream topic of the run's
	 * channel
	 * @throws dev.realtime.StreamTooLargeException if the text grows beyond
	 * {@code realtime.streams.max-size}
	 * @throws RuntimeException what the source threw
	 */
	String stream(Topic<String> topic, Publisher<String> chunks) throws InterruptedException;

}
