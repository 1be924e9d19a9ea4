package dev.realtime.aot;

import dev.realtime.ChannelDefinition;
import dev.realtime.TopicDefinition;
import dev.realtime.catalog.ChannelCatalogLoader;
import dev.realtime.token.SubscriptionToken;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Runtime hints for what the library reads from the class path and through reflection:
 * the channel catalogs and the channel interfaces and payload types they name (the
 * runtime re-validates every interface at start-up and binds payloads with Jackson), the
 * token endpoint's answer (written with Jackson), the Lua scripts of the Redis engine and
 * the browser client assets.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeRuntimeHints implements RuntimeHintsRegistrar {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		hints.resources()
			.registerPattern(ChannelCatalogLoader.LOCATION)
			.registerPattern("META-INF/realtime/channels.d.ts")
			.registerPattern("META-INF/realtime/client/*")
			.registerPattern("dev/realtime/**/*.lua");
		this.bindings.registerReflectionHints(hints.reflection(), SubscriptionToken.class);
		// the catalogs are on the class path at build time: the channels they list are
		// the application's, so their interfaces and payloads are known then
		ClassLoader loader = (classLoader != null) ? classLoader : RealtimeRuntimeHints.class.getClassLoader();
		for (ChannelDefinition channel : new ChannelCatalogLoader(JsonMapper.shared()).load(loader).definitions()) {
			hints.reflection().registerType(channel.type(), MemberCategory.INVOKE_PUBLIC_METHODS);
			for (TopicDefinition topic : channel.topics().values()) {
				this.bindings.registerReflectionHints(hints.reflection(), topic.payloadType());
			}
		}
	}

}
