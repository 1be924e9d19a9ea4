package dev.realtime;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Declares a realtime channel: an interface whose methods return {@link Topic
 * Topic&lt;T&gt;}. The channel name is a template of {@code :}-separated segments, each a
 * literal or a {@code {placeholder}}, for example {@code "pipeline:{runId}"}. The first
 * segment must be a literal.
 * <p>
 * The annotation processor shipped with the starter checks the declaration at compile
 * time and generates a typed factory ({@code <Interface>Channel.of(...)}) and the channel
 * catalog that the runtime loads at start-up.
 *
 * <pre class="code">
 * &#064;RealtimeChannel(value = "pipeline:{runId}", authorize = "&#064;runs.isOwner(authentication, #runId)")
 * public interface ContentPipeline {
 *     Topic&lt;Status&gt; status();
 *     &#064;TopicOptions(history = false) Topic&lt;TokenChunk&gt; tokens();
 * }
 * </pre>
 *
 * @author Realtime team
 * @since 0.1.0
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface RealtimeChannel {

	/**
	 * Alias for {@link #name()}.
	 * @return the channel name template
	 */
	@AliasFor("name")
	String value() default "";

	/**
	 * The channel name template, for example {@code "pipeline:{runId}"}.
	 * @return the channel name template
	 */
	@AliasFor("value")
	String name() default "";

	/**
	 * SpEL expression deciding whether a subscription token may be issued for a channel
	 * of this kind. It is evaluated against the current {@code authentication}, may refer
	 * to each placeholder as a variable ({@code #runId}), to the requested topics as
	 * {@code #topics} and {@code #publish}, to the requested grants as {@code #cancel}
	 * and {@code #presence}, and to beans ({@code @bean.method(...)}). It must evaluate
	 * to a boolean. Empty means no rule: tokens are denied unless a
	 * {@code ChannelAuthorizer} bean decides.
	 * @return the authorization expression, or empty
	 */
	String authorize() default "";

	/**
	 * Whether the channel tracks presence: who is subscribed to it. The subject of each
	 * subscriber's token is a member, announced with {@code join} and {@code leave}
	 * events on the reserved {@code $presence} topic to subscribers whose token grants
	 * presence, and listed by {@code RealtimePresence}.
	 * @return whether the channel tracks presence
	 */
	boolean presence() default false;

}
