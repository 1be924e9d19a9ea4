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

}
