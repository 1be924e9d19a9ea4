package dev.realtime.catalog;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.ChannelDefinition;
import dev.realtime.ChannelTemplate;
import dev.realtime.InvalidChannelDefinitionException;
import dev.realtime.InvalidChannelException;
import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Default {@link ChannelCatalog}: a fixed set of channel definitions whose templates do
 * not overlap, indexed by first segment and segment count so that resolving a name looks
 * at one template in the common case. Created by {@link ChannelCatalogLoader} from the
 * generated catalog, or directly from the channel interfaces with {@link #of(Class[])}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class DefaultChannelCatalog implements ChannelCatalog {

	private static final int MAX_SHOWN_NAME = 100;

	private final List<ChannelDefinition> definitions;

	private final Map<Class<?>, ChannelDefinition> byType;

	// "<first literal>/<segment count>" -> templates
	private final Map<String, List<Entry>> index;

	private DefaultChannelCatalog(List<ChannelDefinition> definitions) {
		Map<Class<?>, ChannelDefinition> byType = new HashMap<>();
		Map<String, List<Entry>> index = new HashMap<>();
		List<Entry> entries = new ArrayList<>();
		for (ChannelDefinition definition : definitions) {
			if (byType.putIfAbsent(definition.type(), definition) != null) {
				throw new InvalidChannelDefinitionException(definition.type(),
						"it is listed twice in the channel catalog; list each channel interface once");
			}
			for (Entry other : entries) {
				if (definition.template().overlaps(other.definition.template())) {
					throw new InvalidChannelDefinitionException(definition.type(),
							"its template '" + definition.template() + "' overlaps template '"
									+ other.definition.template() + "' of " + other.definition.type().getName()
									+ ": a channel name could match both; make a literal segment differ");
				}
			}
			Entry entry = new Entry(definition);
			entries.add(entry);
			index.computeIfAbsent(entry.key(), (key) -> new ArrayList<>(1)).add(entry);
		}
		this.definitions = List.copyOf(definitions);
		this.byType = byType;
		this.index = index;
	}

	/**
	 * Create a catalog of the given channel interfaces, for applications and tests that
	 * do not run the annotation processor.
	 * @param types interfaces annotated with
	 * {@link dev.realtime.RealtimeChannel @RealtimeChannel}
	 * @return the catalog
	 * @throws InvalidChannelDefinitionException if an interface is not valid, is given
	 * twice, or its template overlaps another one
	 */
	public static DefaultChannelCatalog of(Class<?>... types) {
		Assert.notNull(types, "'types' must not be null");
		List<ChannelDefinition> definitions = new ArrayList<>(types.length);
		for (Class<?> type : types) {
			definitions.add(ChannelDefinition.of(type));
		}
		return new DefaultChannelCatalog(definitions);
	}

	/**
	 * Create a catalog of the given channel definitions.
	 * @param definitions the definitions
	 * @return the catalog
	 * @throws InvalidChannelDefinitionException if an interface is given twice, or a
	 * template overlaps another one
	 */
	public static DefaultChannelCatalog of(Collection<ChannelDefinition> definitions) {
		Assert.notNull(definitions, "'definitions' must not be null");
		return new DefaultChannelCatalog(new ArrayList<>(definitions));
	}

	@Override
	public Collection<ChannelDefinition> definitions() {
		return this.definitions;
	}

	@Override
	public Channel resolve(String name) {
		Assert.notNull(name, "'name' must not be null");
		String[] parts = name.split(":", -1);
		List<Entry> candidates = this.index.getOrDefault(parts[0] + "/" + parts.length, Collections.emptyList());
		for (Entry candidate : candidates) {
			Channel channel = candidate.resolve(name, parts);
			if (channel != null) {
				return channel;
			}
		}
		throw new InvalidChannelException("Unknown channel '" + shown(name) + "': the declared channels are "
				+ this.definitions.stream().map((definition) -> definition.template().template()).toList());
	}

	@Override
	public ChannelDefinition definition(Class<?> type) {
		Assert.notNull(type, "'type' must not be null");
		ChannelDefinition definition = this.byType.get(type);
		if (definition == null) {
			// a generated channel class stands for the interface it implements
			for (Class<?> implemented : type.getInterfaces()) {
				definition = this.byType.get(implemented);
				if (definition != null) {
					return definition;
				}
			}
			throw new InvalidChannelException("Channel interface " + type.getName() + " is not in the catalog, which "
					+ "has " + this.byType.keySet().stream().map(Class::getName).sorted().toList()
					+ "; annotate it with @RealtimeChannel and rebuild so that the annotation processor lists it");
		}
		return definition;
	}

	private static String shown(String name) {
		String shown = (name.length() > MAX_SHOWN_NAME) ? name.substring(0, MAX_SHOWN_NAME) + "…" : name;
		return shown.replaceAll("\\p{Cntrl}", "?");
	}

	private static final class Entry {

		private final ChannelDefinition definition;

		// the literal of each segment, null for a placeholder
		private final @Nullable String[] literals;

		private final @Nullable String[] placeholders;

		Entry(ChannelDefinition definition) {
			this.definition = definition;
			String[] segments = definition.template().template().split(":", -1);
			this.literals = new String[segments.length];
			this.placeholders = new String[segments.length];
			for (int i = 0; i < segments.length; i++) {
				if (segments[i].startsWith("{")) {
					this.placeholders[i] = segments[i].substring(1, segments[i].length() - 1);
				}
				else {
					this.literals[i] = segments[i];
				}
			}
		}

		String key() {
			return this.literals[0] + "/" + this.literals.length;
		}

		// null when a literal differs; a refused parameter value fails with the reason
		@Nullable Channel resolve(String name, String[] parts) {
			for (int i = 0; i < parts.length; i++) {
				if (this.literals[i] != null && !this.literals[i].equals(parts[i])) {
					return null;
				}
			}
			Map<String, String> parameters = new LinkedHashMap<>();
			for (int i = 0; i < parts.length; i++) {
				if (this.placeholders[i] != null) {
					ChannelTemplate.checkValue(this.placeholders[i], parts[i]);
					parameters.put(this.placeholders[i], parts[i]);
				}
			}
			return new CatalogChannel(name, this.definition, Collections.unmodifiableMap(parameters));
		}

	}

}
