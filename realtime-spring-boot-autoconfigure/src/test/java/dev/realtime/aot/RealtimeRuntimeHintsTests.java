package dev.realtime.aot;

import java.io.IOException;
import java.net.URL;
import java.util.Arrays;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Objects;

import dev.realtime.catalog.ChannelCatalogLoader;
import dev.realtime.token.SubscriptionToken;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeRuntimeHints}.
 *
 * @author Realtime team
 */
class RealtimeRuntimeHintsTests {

	private static final TypeReference PIPELINE = TypeReference.of("dev.realtime.catalog.TestChannels$Pipeline");

	private static final TypeReference STATUS = TypeReference.of("dev.realtime.catalog.TestChannels$Status");

	@Test
	void registrarIsListedInAotFactories() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).hasAtLeastOneElementOfType(RealtimeRuntimeHints.class);
	}

	@Test
	void whenRegisteredThenCatalogsScriptsAndClientAssetsAreResources() {
		RuntimeHints hints = register(getClass().getClassLoader());
		assertThat(RuntimeHintsPredicates.resource().forResource(ChannelCatalogLoader.LOCATION)).accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("META-INF/realtime/channels.d.ts")).accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("META-INF/realtime/client/client.js")).accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("META-INF/realtime/client/react.js")).accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("dev/realtime/engine/redis/publish.lua"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.resource().forResource("dev/realtime/engine/redis/history.lua"))
			.accepts(hints);
	}

	@Test
	void whenCatalogListsChannelsThenTheirInterfacesAndPayloadsAreReflective() throws ClassNotFoundException {
		RuntimeHints hints = register(catalog("valid"));
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(PIPELINE)
			.withMemberCategory(MemberCategory.INVOKE_PUBLIC_METHODS)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onType(STATUS)).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(STATUS.getName(), "message")).accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection()
			.onType(TypeReference.of("dev.realtime.catalog.TestChannels$Announcements"))).accepts(hints);
	}

	@Test
	void whenThereIsNoCatalogThenOnlyResourcesAndTheTokenAnswerAreRegistered() {
		RuntimeHints hints = register(catalog());
		assertThat(hints.reflection().typeHints()).map((hint) -> hint.getType().getName())
			.contains(SubscriptionToken.class.getName())
			.allMatch((name) -> !name.startsWith("dev.realtime.") || name.equals(SubscriptionToken.class.getName()));
		assertThat(hints.resources().resourcePatternHints()).isNotEmpty();
	}

	@Test
	void whenRegisteredThenTheTokenAnswerIsReflectiveWithItsCancelGrant() {
		RuntimeHints hints = register(catalog());
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(SubscriptionToken.class, "cancel"))
			.accepts(hints);
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(SubscriptionToken.class, "token"))
			.accepts(hints);
	}

	private static RuntimeHints register(ClassLoader classLoader) {
		RuntimeHints hints = new RuntimeHints();
		new RealtimeRuntimeHints().registerHints(hints, classLoader);
		return hints;
	}

	// a class loader that finds the catalogs of the given test folders and nothing else
	private static ClassLoader catalog(String... folders) {
		ClassLoader parent = RealtimeRuntimeHintsTests.class.getClassLoader();
		return new ClassLoader(parent) {

			@Override
			public Enumeration<URL> getResources(String name) throws IOException {
				if (!name.equals(ChannelCatalogLoader.LOCATION)) {
					return super.getResources(name);
				}
				List<URL> urls = Arrays.stream(folders)
					.map((folder) -> Objects
						.requireNonNull(parent.getResource("catalog-tests/" + folder + "/channels.json"), folder))
					.toList();
				return Collections.enumeration(urls);
			}

		};
	}

}
