package dev.realtime;

/**
 * Thrown when a {@link RealtimeChannel @RealtimeChannel} interface or the channel catalog
 * is not valid. The message names the interface and what to change.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class InvalidChannelDefinitionException extends RealtimeException {

	/**
	 * Create a new instance.
	 * @param type the interface at fault
	 * @param reason what is wrong
	 */
	public InvalidChannelDefinitionException(Class<?> type, String reason) {
		this(type.getName(), reason);
	}

	/**
	 * Create a new instance.
	 * @param typeName the name of the interface at fault
	 * @param reason what is wrong
	 */
	public InvalidChannelDefinitionException(String typeName, String reason) {
		super("Invalid @RealtimeChannel " + typeName + ": " + reason);
	}

}
