package dev.realtime.token;

import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.ChannelDefinition;
import dev.realtime.InvalidChannelException;

/**
 * A minimal {@link ChannelCatalog} over a few channel interfaces, for tests that should
 * not depend on the real catalog.
 *
 * @author Realtime team
 */
class TestChannelCatalog implements ChannelCatalog {

	private final List<ChannelDefinition> definitions;

	TestChannelCatalog(Class<?>... types) {
		this.definitions = Arrays.stream(types).map(ChannelDefinition::of).toList();
	}

	@Override
	public Collection<ChannelDefinition> definitions() {
		return this.definitions;
	}

	@Override
	public Channel resolve(String name) {
		for (ChannelDefinition definition : this.definitions) {
			Map<String, String> parameters = definition.template().match(name);
			if (parameters != null) {
				return new TestChannel(name, definition, parameters);
			}
		}
		throw new InvalidChannelException("No channel named '" + name + "'");
	}

	@Override
	public ChannelDefinition definition(Class<?> type) {
		return this.definitions.stream()
			.filter((definition) -> definition.type() == type)
			.findFirst()
			.orElseThrow(() -> new InvalidChannelException("No channel declared by " + type.getName()));
	}

	record TestChannel(String name, ChannelDefinition definition, Map<String, String> parameters) implements Channel {

	}

}
