package dev.realtime.support;

import java.util.Map;

import dev.realtime.Channel;
import dev.realtime.ChannelDefinition;
import dev.realtime.Topic;

/**
 * A {@link TestPipeline} channel, written the way the annotation processor generates one.
 *
 * @param name the channel name
 * @param definition the channel definition
 * @param parameters the placeholder values
 * @author Realtime team
 */
record TestPipelineChannel(String name, ChannelDefinition definition,
		Map<String, String> parameters) implements Channel, TestPipeline {

	static final ChannelDefinition DEFINITION = ChannelDefinition.of(TestPipeline.class);

	static TestPipelineChannel of(String id) {
		Map<String, String> parameters = Map.of("id", id);
		return new TestPipelineChannel(DEFINITION.template().expand(parameters), DEFINITION, parameters);
	}

	@Override
	public Topic<Status> status() {
		return Topic.of(this, "status");
	}

	@Override
	public Topic<Tick> ticks() {
		return Topic.of(this, "ticks");
	}

	@Override
	public Topic<Order> orders() {
		return Topic.of(this, "orders");
	}

}
