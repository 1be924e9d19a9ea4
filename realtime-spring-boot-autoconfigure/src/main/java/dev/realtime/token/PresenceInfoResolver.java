package dev.realtime.token;

import java.util.Map;

import dev.realtime.Channel;

import org.springframework.security.core.Authentication;

/**
 * Chooses what the members of a presence channel learn about a subscriber besides its
 * name, for example a display name or an avatar's URL, when the token endpoint mints its
 * token. The answer is signed into the token, so the browser cannot change it.
 * <p>
 * Called only for channels that track presence and callers that are authenticated, on the
 * thread that evaluated the channel's rule, which may block.
 *
 * @author Realtime team
 * @since 0.1.0
 * @see dev.realtime.RealtimeChannel#presence()
 */
@FunctionalInterface
public interface PresenceInfoResolver {

	/**
	 * Return the info of the caller of a token request that was granted.
	 * @param authentication the caller
	 * @param channel the channel of the token
	 * @return at most {@value TokenRequest#MAX_INFO_ENTRIES} entries of at most
	 * {@value TokenRequest#MAX_INFO_LENGTH} characters, possibly none
	 */
	Map<String, String> info(Authentication authentication, Channel channel);

}
