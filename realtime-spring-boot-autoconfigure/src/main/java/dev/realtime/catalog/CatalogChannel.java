package dev.realtime.catalog;

import java.util.Map;

import dev.realtime.Channel;
import dev.realtime.ChannelDefinition;
import org.jspecify.annotations.Nullable;

/**
 * A {@link Channel} resolved by name through a {@link DefaultChannelCatalog}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class CatalogChannel implements Channel {

	private final String name;

	private final ChannelDefinition definition;

	private final Map<String, String> parameters;

	CatalogChannel(String name, ChannelDefinition definition, Map<String, String> parameters) {
		this.name = name;
		this.definition = definition;
		this.parameters = parameters;
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public ChannelDefinition definition() {
		return this.definition;
	}

	@Override
	public Map<String, String> parameters() {
		return this.parameters;
	}

	// equal to any channel of the same name, such as one created by a generated factory
	@Override
	public boolean equals(@Nullable Object other) {
		return (this == other) || ((other instanceof Channel that) && this.name.equals(that.name()));
	}

	@Override
	public int hashCode() {
		return this.name.hashCode();
	}

	@Override
	public String toString() {
		return this.name;
	}

}
