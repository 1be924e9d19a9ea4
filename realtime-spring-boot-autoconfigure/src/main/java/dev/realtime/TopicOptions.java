package dev.realtime;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Options of one topic of a {@link RealtimeChannel}, placed on its method.
 *
 * @author Realtime team
 * @since 0.1.0
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface TopicOptions {

	/**
	 * Whether non-durable messages of this topic are kept in the channel history so that
	 * late and reconnecting subscribers receive them. Turn it off for high-frequency
	 * streams such as LLM tokens. Durable messages are always kept.
	 * @return whether messages are kept in history
	 */
	boolean history() default true;

	/**
	 * Whether the topic is a stream of text, such as the tokens of a model's answer: each
	 * message is a chunk ({@code Topic<String>}), and instead of every chunk the engine
	 * keeps the text accumulated so far, which a late or resuming subscriber receives as
	 * one {@code snapshot} message before the chunks that follow it. Its chunks are never
	 * kept in the history one by one, whatever {@link #history()} says.
	 * @return whether the topic is a stream of text
	 */
	boolean stream() default false;

}
