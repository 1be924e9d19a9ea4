package dev.realtime.catalog;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.net.URL;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import dev.realtime.ChannelDefinition;
import dev.realtime.InvalidChannelDefinitionException;
import dev.realtime.TopicDefinition;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.core.log.LogMessage;
import org.springframework.util.Assert;

/**
 * Loads the channel catalogs ({@value #LOCATION}) that the annotation processor writes,
 * one per module that declares channels, and re-validates every entry against its
 * interface: a catalog that no longer matches the code (a stale build) fails fast instead
 * of serving channels the code does not declare.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class ChannelCatalogLoader {

	/**
	 * Location of the catalogs on the class path.
	 */
	public static final String LOCATION = "META-INF/realtime/channels.json";

	private static final int VERSION = 1;

	private static final Log logger = LogFactory.getLog(ChannelCatalogLoader.class);

	private final JsonMapper jsonMapper;

	/**
	 * Create a new instance.
	 * @param jsonMapper the mapper to read the catalogs with
	 */
	public ChannelCatalogLoader(JsonMapper jsonMapper) {
		Assert.notNull(jsonMapper, "'jsonMapper' must not be null");
		this.jsonMapper = jsonMapper;
	}

	/**
	 * Load every catalog visible to a class loader.
	 * @param classLoader the class loader of the application
	 * @return the catalog of all channels, empty when no catalog was found
	 * @throws InvalidChannelDefinitionException if an entry does not match its interface,
	 * names a missing class, or two entries list the same interface or overlapping
	 * templates
	 * @throws IllegalStateException if a catalog cannot be read
	 */
	public DefaultChannelCatalog load(ClassLoader classLoader) {
		Assert.notNull(classLoader, "'classLoader' must not be null");
		List<ChannelDefinition> definitions = new ArrayList<>();
		Map<String, URL> sources = new HashMap<>();
		for (URL resource : resources(classLoader)) {
			for (JsonNode entry : read(resource)) {
				String type = text(entry, "type", resource);
				URL other = sources.putIfAbsent(type, resource);
				if (other != null) {
					throw new InvalidChannelDefinitionException(type, "it is listed twice, in " + other + " and "
							+ resource + "; a channel interface belongs to one module: rebuild the project");
				}
				definitions.add(check(entry, type, resource, classLoader));
			}
		}
		logger.debug(LogMessage.format("Loaded %d channel(s) from %s", definitions.size(), sources.values()));
		return DefaultChannelCatalog.of(definitions);
	}

	private List<URL> resources(ClassLoader classLoader) {
		try {
			return Collections.list(classLoader.getResources(LOCATION));
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot look up the channel catalogs " + LOCATION, ex);
		}
	}

	private JsonNode read(URL resource) {
		JsonNode catalog;
		try (InputStream input = resource.openStream()) {
			catalog = this.jsonMapper.readTree(input);
		}
		catch (IOException | JacksonException ex) {
			throw new IllegalStateException("Cannot read the channel catalog " + resource
					+ "; rebuild the project so that the annotation processor writes it anew", ex);
		}
		JsonNode version = catalog.path("version");
		if (!version.isInt() || version.intValue() != VERSION) {
			throw new IllegalStateException(
					"The channel catalog " + resource + " has version " + version + " but this library reads version "
							+ VERSION + "; build the application with the annotation processor of the same release");
		}
		JsonNode channels = catalog.path("channels");
		if (!channels.isArray()) {
			throw malformed(resource, "'channels' is not an array");
		}
		return channels;
	}

	private ChannelDefinition check(JsonNode entry, String typeName, URL resource, ClassLoader classLoader) {
		Class<?> type;
		try {
			type = Class.forName(typeName, false, classLoader);
		}
		catch (ClassNotFoundException | LinkageError ex) {
			throw stale(typeName, resource, "the class is missing");
		}
		ChannelDefinition definition = ChannelDefinition.of(type);
		String template = text(entry, "template", resource);
		if (!template.equals(definition.template().template())) {
			throw stale(typeName, resource, "the catalog says template '" + template + "' but the interface declares '"
					+ definition.template() + "'");
		}
		JsonNode topics = entry.path("topics");
		if (!topics.isArray()) {
			throw malformed(resource, "'topics' of " + typeName + " is not an array");
		}
		Set<String> names = new LinkedHashSet<>();
		for (JsonNode topic : topics) {
			String name = text(topic, "name", resource);
			names.add(name);
			TopicDefinition declared = definition.topics().get(name);
			if (declared == null) {
				continue;
			}
			String payloadType = text(topic, "type", resource);
			if (!payloadType.equals(typeName(declared.payloadType()))) {
				throw stale(typeName, resource, "the catalog says topic '" + name + "' carries " + payloadType
						+ " but the interface declares " + typeName(declared.payloadType()));
			}
			if (topic.path("history").asBoolean(true) != declared.history()) {
				throw stale(typeName, resource, "the catalog says topic '" + name + "' has history="
						+ topic.path("history") + " but the interface declares history=" + declared.history());
			}
			if (topic.path("stream").asBoolean(false) != declared.stream()) {
				throw stale(typeName, resource,
						"the catalog says topic '" + name + "' has stream=" + topic.path("stream").asBoolean(false)
								+ " but the interface declares stream=" + declared.stream());
			}
		}
		if (!names.equals(definition.topicNames())) {
			throw stale(typeName, resource,
					"the catalog lists topics " + names + " but the interface declares " + definition.topicNames());
		}
		return definition;
	}

	private static String text(JsonNode node, String field, URL resource) {
		JsonNode value = node.path(field);
		if (!value.isString()) {
			throw malformed(resource, "'" + field + "' is missing or not a string in " + node);
		}
		return value.stringValue();
	}

	/**
	 * Render a type as the annotation processor does: canonical names with type
	 * arguments, such as {@code java.util.List<com.example.Pipeline.Status>}.
	 * @param type the type
	 * @return the name
	 */
	static String typeName(Type type) {
		if (type instanceof Class<?> clazz) {
			return (clazz.isArray()) ? typeName(clazz.getComponentType()) + "[]"
					: (clazz.getCanonicalName() != null) ? clazz.getCanonicalName() : clazz.getName();
		}
		if (type instanceof ParameterizedType parameterized) {
			return typeName(parameterized.getRawType()) + Arrays.stream(parameterized.getActualTypeArguments())
				.map(ChannelCatalogLoader::typeName)
				.collect(Collectors.joining(", ", "<", ">"));
		}
		if (type instanceof GenericArrayType array) {
			return typeName(array.getGenericComponentType()) + "[]";
		}
		if (type instanceof WildcardType wildcard) {
			if (wildcard.getLowerBounds().length > 0) {
				return "? super " + typeName(wildcard.getLowerBounds()[0]);
			}
			Type upper = wildcard.getUpperBounds()[0];
			return (upper == Object.class) ? "?" : "? extends " + typeName(upper);
		}
		return (type instanceof TypeVariable<?> variable) ? variable.getName() : type.getTypeName();
	}

	private static InvalidChannelDefinitionException stale(String typeName, URL resource, String reason) {
		return new InvalidChannelDefinitionException(typeName, reason + "; the channel catalog " + resource
				+ " is stale: rebuild the project (a clean build) so that the annotation processor writes it anew");
	}

	private static IllegalStateException malformed(URL resource, String reason) {
		return new IllegalStateException("Malformed channel catalog " + resource + ": " + reason
				+ "; rebuild the project so that the annotation processor writes it anew");
	}

}
