package dev.realtime;

import java.util.Collection;

/**
 * The channels an application declares, loaded at start-up from the catalog the
 * annotation processor generates.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public interface ChannelCatalog {

	/**
	 * Return every channel definition.
	 * @return the definitions
	 */
	Collection<ChannelDefinition> definitions();

	/**
	 * Resolve a channel name such as {@code pipeline:run-42} to its definition and
	 * parameters.
	 * @param name the channel name
	 * @return the channel
	 * @throws InvalidChannelException if no declared channel has that name, or a
	 * parameter value is not allowed
	 */
	Channel resolve(String name);

	/**
	 * Return the definition declared by an interface.
	 * @param type a {@link RealtimeChannel @RealtimeChannel} interface
	 * @return the definition
	 * @throws InvalidChannelException if the interface is not in the catalog
	 */
	ChannelDefinition definition(Class<?> type);

}
