package dev.realtime.run;

import java.util.Map;

import dev.realtime.Channel;
import dev.realtime.ChannelDefinition;
import dev.realtime.Topic;

/**
 * A resolved {@link JobChannel}, as the annotation processor would generate it.
 *
 * @author Realtime team
 */
final class TestJobChannel implements JobChannel, Channel {

	private static final ChannelDefinition DEFINITION = ChannelDefinition.of(JobChannel.class);

	private final Map<String, String> parameters;

	private final String name;

	private TestJobChannel(String runId) {
		this.parameters = Map.of("runId", runId);
		this.name = DEFINITION.template().expand(this.parameters);
	}

	static TestJobChannel of(String runId) {
		return new TestJobChannel(runId);
	}

	@Override
	public String name() {
		return this.name;
	}

	@Override
	public ChannelDefinition definition() {
		return DEFINITION;
	}

	@Override
	public Map<String, String> parameters() {
		return this.parameters;
	}

	@Override
	public Topic<Status> status() {
		return topic("status", Status.class);
	}

	@Override
	public Topic<Tick> ticks() {
		return topic("ticks", Tick.class);
	}

	@Override
	public Topic<Approval> approval() {
		return topic("approval", Approval.class);
	}

	@Override
	public Topic<String> text() {
		return topic("text", String.class);
	}

}
