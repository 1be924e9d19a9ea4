package dev.realtime.autoconfigure;

import dev.realtime.Channel;
import dev.realtime.Topic;
import dev.realtime.catalog.DefaultChannelCatalog;

/**
 * What the annotation processor would generate for {@link TestPipeline}; the processor
 * module is tested on its own and cannot run on this module's tests.
 */
record TestPipelineChannel(Channel channel) {

	private static final DefaultChannelCatalog catalog = DefaultChannelCatalog.of(TestPipeline.class);

	static TestPipelineChannel of(String runId) {
		return new TestPipelineChannel(catalog.resolve("pipeline:" + runId));
	}

	String name() {
		return this.channel.name();
	}

	Topic<TestPipeline.Status> status() {
		return this.channel.topic("status", TestPipeline.Status.class);
	}

	Topic<TestPipeline.Token> tokens() {
		return this.channel.topic("tokens", TestPipeline.Token.class);
	}

}
