package dev.realtime.catalog;

import java.util.Map;

import dev.realtime.Channel;
import dev.realtime.InvalidChannelDefinitionException;
import dev.realtime.InvalidChannelException;
import dev.realtime.Topic;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link DefaultChannelCatalog}.
 *
 * @author Realtime team
 */
class DefaultChannelCatalogTests {

	private final DefaultChannelCatalog catalog = DefaultChannelCatalog.of(TestChannels.Pipeline.class,
			TestChannels.ChatThread.class, TestChannels.ChatMembers.class, TestChannels.Announcements.class);

	@Test
	void whenNameMatchesATemplateThenChannelHasItsDefinitionAndParameters() {
		Channel channel = this.catalog.resolve("chat:lobby:thread:t-1");
		assertThat(channel.name()).isEqualTo("chat:lobby:thread:t-1");
		assertThat(channel.definition().type()).isEqualTo(TestChannels.ChatThread.class);
		assertThat(channel.parameters()).containsExactly(Map.entry("room", "lobby"), Map.entry("thread", "t-1"));
		assertThat(channel).hasToString("chat:lobby:thread:t-1");
		assertThat(this.catalog.resolve("chat:lobby:members").definition().type())
			.isEqualTo(TestChannels.ChatMembers.class);
	}

	@Test
	void whenTemplateHasNoPlaceholderThenNameResolvesWithoutParameters() {
		Channel channel = this.catalog.resolve("announcements");
		assertThat(channel.definition().type()).isEqualTo(TestChannels.Announcements.class);
		assertThat(channel.parameters()).isEmpty();
	}

	@Test
	void whenChannelIsResolvedThenItsTopicsAreTyped() {
		Topic<TestChannels.Status> status = this.catalog.resolve("pipeline:run-1")
			.topic("status", TestChannels.Status.class);
		assertThat(status).hasToString("pipeline:run-1/status");
	}

	@Test
	void whenTheSameNameIsResolvedTwiceThenChannelsAreEqual() {
		assertThat(this.catalog.resolve("pipeline:run-1")).isEqualTo(this.catalog.resolve("pipeline:run-1"))
			.hasSameHashCodeAs(this.catalog.resolve("pipeline:run-1"))
			.isNotEqualTo(this.catalog.resolve("pipeline:run-2"));
	}

	@Test
	void whenNameMatchesNoTemplateThenExceptionListsTheChannels() {
		assertThatExceptionOfType(InvalidChannelException.class).isThrownBy(() -> this.catalog.resolve("chat:lobby"))
			.withMessage("Unknown channel 'chat:lobby': the declared channels are [pipeline:{runId}, "
					+ "chat:{room}:thread:{thread}, chat:{room}:members, announcements]");
		assertThatExceptionOfType(InvalidChannelException.class).isThrownBy(() -> this.catalog.resolve("orders:1"))
			.withMessageStartingWith("Unknown channel 'orders:1': ");
		assertThatExceptionOfType(InvalidChannelException.class).isThrownBy(() -> this.catalog.resolve(""))
			.withMessageStartingWith("Unknown channel '': ");
	}

	@Test
	void whenUnknownNameHasControlCharactersThenMessageHidesThem() {
		assertThatExceptionOfType(InvalidChannelException.class)
			.isThrownBy(() -> this.catalog.resolve("x\n" + "y".repeat(200)))
			.withMessageStartingWith("Unknown channel 'x?" + "y".repeat(98) + "…'");
	}

	@Test
	void whenParameterValueIsRefusedThenExceptionSaysWhy() {
		assertThatExceptionOfType(InvalidChannelException.class)
			.isThrownBy(() -> this.catalog.resolve("chat:lobby:thread:a b"))
			.withMessage("Invalid value 'a b' for channel parameter 'thread': use 1 to 128 letters, digits or "
					+ ". _ ~ @ + = - (no ':', white space or control characters)");
		assertThatExceptionOfType(InvalidChannelException.class).isThrownBy(() -> this.catalog.resolve("pipeline:"))
			.withMessageStartingWith("Invalid value '' for channel parameter 'runId'");
	}

	@Test
	void whenDefinitionIsAskedByInterfaceThenItIsReturned() {
		assertThat(this.catalog.definition(TestChannels.Pipeline.class).template().template())
			.isEqualTo("pipeline:{runId}");
		assertThat(this.catalog.definitions()).hasSize(4);
	}

	@Test
	void whenDefinitionIsAskedByAnImplementationThenItsInterfaceIsUsed() {
		assertThat(this.catalog.definition(PipelineChannel.class).type()).isEqualTo(TestChannels.Pipeline.class);
	}

	@Test
	void whenDefinitionIsAskedForAnUnknownTypeThenExceptionSaysHowToDeclareIt() {
		assertThatExceptionOfType(InvalidChannelException.class)
			.isThrownBy(() -> this.catalog.definition(TestChannels.OverlappingPipeline.class))
			.withMessageStartingWith(
					"Channel interface dev.realtime.catalog.TestChannels$OverlappingPipeline is not in "
							+ "the catalog")
			.withMessageEndingWith(
					"annotate it with @RealtimeChannel and rebuild so that the annotation processor " + "lists it");
	}

	@Test
	void whenTemplatesOverlapThenCatalogIsRefused() {
		assertThatExceptionOfType(InvalidChannelDefinitionException.class)
			.isThrownBy(
					() -> DefaultChannelCatalog.of(TestChannels.Pipeline.class, TestChannels.OverlappingPipeline.class))
			.withMessage("Invalid @RealtimeChannel dev.realtime.catalog.TestChannels$OverlappingPipeline: its template "
					+ "'pipeline:{other}' overlaps template 'pipeline:{runId}' of "
					+ "dev.realtime.catalog.TestChannels$Pipeline: a channel name could match both; make a literal "
					+ "segment differ");
	}

	@Test
	void whenInterfaceIsGivenTwiceThenCatalogIsRefused() {
		assertThatExceptionOfType(InvalidChannelDefinitionException.class)
			.isThrownBy(
					() -> DefaultChannelCatalog.of(TestChannels.Announcements.class, TestChannels.Announcements.class))
			.withMessage("Invalid @RealtimeChannel dev.realtime.catalog.TestChannels$Announcements: it is listed "
					+ "twice in the channel catalog; list each channel interface once");
	}

	// what the annotation processor would generate, reduced to what the test needs
	private abstract static class PipelineChannel implements TestChannels.Pipeline, Channel {

	}

}
