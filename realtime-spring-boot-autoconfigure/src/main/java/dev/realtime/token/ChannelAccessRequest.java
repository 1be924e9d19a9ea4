package dev.realtime.token;

import java.util.Set;

import dev.realtime.Channel;
import org.jspecify.annotations.Nullable;

import org.springframework.security.core.Authentication;

/**
 * A request for a token, as authorizers see it.
 *
 * @param authentication the caller, or {@code null} when unauthenticated
 * @param channel the resolved channel, with its parameters
 * @param topics the topics to read
 * @param publish the topics to publish to
 * @param cancel whether the token should let its holder cancel the runs of the channel
 * @param presence whether the token should let its holder see who is subscribed to the
 * channel
 * @author Realtime team
 * @since 0.1.0
 */
public record ChannelAccessRequest(@Nullable Authentication authentication, Channel channel, Set<String> topics,
		Set<String> publish, boolean cancel, boolean presence) {

	/**
	 * Create a request for a token that grants no presence.
	 * @param authentication the caller, or {@code null} when unauthenticated
	 * @param channel the resolved channel, with its parameters
	 * @param topics the topics to read
	 * @param publish the topics to publish to
	 * @param cancel whether the token should let its holder cancel the runs of the
	 * channel
	 */
	public ChannelAccessRequest(@Nullable Authentication authentication, Channel channel, Set<String> topics,
			Set<String> publish, boolean cancel) {
		this(authentication, channel, topics, publish, cancel, false);
	}

	/**
	 * Create a request for a token that grants no cancel.
	 * @param authentication the caller, or {@code null} when unauthenticated
	 * @param channel the resolved channel, with its parameters
	 * @param topics the topics to read
	 * @param publish the topics to publish to
	 */
	public ChannelAccessRequest(@Nullable Authentication authentication, Channel channel, Set<String> topics,
			Set<String> publish) {
		this(authentication, channel, topics, publish, false, false);
	}

}
