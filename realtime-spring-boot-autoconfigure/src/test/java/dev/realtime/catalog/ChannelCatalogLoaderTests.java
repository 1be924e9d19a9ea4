package dev.realtime.catalog;

import java.io.IOException;
import java.lang.reflect.Type;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import dev.realtime.ChannelDefinition;
import dev.realtime.InvalidChannelDefinitionException;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.ParameterizedTypeReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ChannelCatalogLoader}.
 *
 * @author Realtime team
 */
class ChannelCatalogLoaderTests {

	private static final String STALE = " is stale: rebuild the project (a clean build) so that the annotation "
			+ "processor writes it anew";

	private final ChannelCatalogLoader loader = new ChannelCatalogLoader(JsonMapper.builder().build());

	@Test
	void whenCatalogMatchesTheInterfacesThenChannelsResolve() {
		DefaultChannelCatalog catalog = this.loader.load(catalogs("valid"));
		assertThat(catalog.definitions()).extracting(ChannelDefinition::type)
			.containsExactly(TestChannels.Pipeline.class, TestChannels.Announcements.class);
		assertThat(catalog.resolve("pipeline:run-1").parameters()).isEqualTo(Map.of("runId", "run-1"));
		assertThat(catalog.resolve("announcements").definition().type()).isEqualTo(TestChannels.Announcements.class);
	}

	@Test
	void whenSeveralModulesHaveCatalogsThenAllChannelsAreLoaded() {
		DefaultChannelCatalog catalog = this.loader.load(catalogs("valid", "chat"));
		assertThat(catalog.definitions()).hasSize(3);
		assertThat(catalog.resolve("chat:lobby:thread:t1").definition().type())
			.isEqualTo(TestChannels.ChatThread.class);
	}

	@Test
	void whenThereIsNoCatalogThenCatalogIsEmpty() {
		DefaultChannelCatalog catalog = this.loader.load(catalogs());
		assertThat(catalog.definitions()).isEmpty();
	}

	@Test
	void whenTemplateDiffersThenCatalogIsStale() {
		assertThatExceptionOfType(InvalidChannelDefinitionException.class)
			.isThrownBy(() -> this.loader.load(catalogs("stale-template")))
			.withMessageStartingWith("Invalid @RealtimeChannel dev.realtime.catalog.TestChannels$Pipeline: the catalog "
					+ "says template 'pipeline:{id}' but the interface declares 'pipeline:{runId}'; the channel catalog ")
			.withMessageContaining("catalog-tests/stale-template/channels.json")
			.withMessageEndingWith(STALE);
	}

	@Test
	void whenTopicsDifferThenCatalogIsStale() {
		assertThatExceptionOfType(InvalidChannelDefinitionException.class)
			.isThrownBy(() -> this.loader.load(catalogs("stale-topics")))
			.withMessageStartingWith("Invalid @RealtimeChannel dev.realtime.catalog.TestChannels$Pipeline: the catalog "
					+ "lists topics [status] but the interface declares [")
			.withMessageEndingWith(STALE);
	}

	@Test
	void whenHistoryFlagDiffersThenCatalogIsStale() {
		assertThatExceptionOfType(InvalidChannelDefinitionException.class)
			.isThrownBy(() -> this.loader.load(catalogs("stale-history")))
			.withMessageStartingWith("Invalid @RealtimeChannel dev.realtime.catalog.TestChannels$Pipeline: the catalog "
					+ "says topic 'tokens' has history=true but the interface declares history=false")
			.withMessageEndingWith(STALE);
	}

	@Test
	void whenPayloadTypeDiffersThenCatalogIsStale() {
		assertThatExceptionOfType(InvalidChannelDefinitionException.class)
			.isThrownBy(() -> this.loader.load(catalogs("stale-payload")))
			.withMessageStartingWith("Invalid @RealtimeChannel dev.realtime.catalog.TestChannels$Pipeline: the catalog "
					+ "says topic 'tokens' carries java.util.List<java.lang.Integer> but the interface declares "
					+ "java.util.List<java.lang.String>")
			.withMessageEndingWith(STALE);
	}

	@Test
	void whenClassIsMissingThenCatalogIsStale() {
		assertThatExceptionOfType(InvalidChannelDefinitionException.class)
			.isThrownBy(() -> this.loader.load(catalogs("missing-class")))
			.withMessageStartingWith("Invalid @RealtimeChannel dev.realtime.catalog.TestChannels$Removed: the class is "
					+ "missing; the channel catalog ")
			.withMessageEndingWith(STALE);
	}

	@Test
	void whenTemplatesOfTwoCatalogsOverlapThenLoadingFails() {
		assertThatExceptionOfType(InvalidChannelDefinitionException.class)
			.isThrownBy(() -> this.loader.load(catalogs("valid", "overlapping")))
			.withMessage("Invalid @RealtimeChannel dev.realtime.catalog.TestChannels$OverlappingPipeline: its template "
					+ "'pipeline:{other}' overlaps template 'pipeline:{runId}' of "
					+ "dev.realtime.catalog.TestChannels$Pipeline: a channel name could match both; make a literal "
					+ "segment differ");
	}

	@Test
	void whenAnInterfaceIsInTwoCatalogsThenLoadingFails() {
		assertThatExceptionOfType(InvalidChannelDefinitionException.class)
			.isThrownBy(() -> this.loader.load(catalogs("valid", "stale-history")))
			.withMessageStartingWith(
					"Invalid @RealtimeChannel dev.realtime.catalog.TestChannels$Pipeline: it is listed " + "twice, in ")
			.withMessageEndingWith("; a channel interface belongs to one module: rebuild the project");
	}

	@Test
	void whenVersionIsUnknownThenLoadingFails() {
		assertThatIllegalStateException().isThrownBy(() -> this.loader.load(catalogs("version-2")))
			.withMessageContaining("has version 2 but this library reads version 1; build the application with the "
					+ "annotation processor of the same release");
	}

	@Test
	void whenEntryIsMalformedThenLoadingFails() {
		assertThatIllegalStateException().isThrownBy(() -> this.loader.load(catalogs("malformed")))
			.withMessageContaining(": 'type' is missing or not a string in {\"template\":\"x\"}; rebuild the project");
	}

	@Test
	void whenTypeIsRenderedThenItMatchesTheAnnotationProcessor() {
		Type type = new ParameterizedTypeReference<Map<String, List<? extends TestChannels.Status[]>>>() {
		}.getType();
		assertThat(ChannelCatalogLoader.typeName(type)).isEqualTo(
				"java.util.Map<java.lang.String, java.util.List<? extends dev.realtime.catalog.TestChannels.Status[]>>");
		assertThat(ChannelCatalogLoader.typeName(int[].class)).isEqualTo("int[]");
	}

	// serves catalog-tests/<folder>/channels.json as the catalogs of the class path
	private static ClassLoader catalogs(String... folders) {
		ClassLoader parent = ChannelCatalogLoaderTests.class.getClassLoader();
		return new ClassLoader(parent) {

			@Override
			public Enumeration<URL> getResources(String name) throws IOException {
				if (!name.equals(ChannelCatalogLoader.LOCATION)) {
					return super.getResources(name);
				}
				List<URL> resources = new ArrayList<>();
				for (String folder : folders) {
					resources
						.add(Objects.requireNonNull(parent.getResource("catalog-tests/" + folder + "/channels.json")));
				}
				return Collections.enumeration(resources);
			}

		};
	}

}
