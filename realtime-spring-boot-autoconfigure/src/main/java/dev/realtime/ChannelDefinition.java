package dev.realtime;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.lang.reflect.WildcardType;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

import org.jspecify.annotations.Nullable;

import org.springframework.core.annotation.MergedAnnotation;
import org.springframework.core.annotation.MergedAnnotations;
import org.springframework.util.Assert;

/**
 * The definition of a channel: its name template, its topics and its authorization rule,
 * read from a {@link RealtimeChannel @RealtimeChannel} interface.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class ChannelDefinition {

	private final Class<?> type;

	private final ChannelTemplate template;

	private final Map<String, TopicDefinition> topics;

	private final @Nullable String authorize;

	private final boolean presence;

	private ChannelDefinition(Class<?> type, ChannelTemplate template, Map<String, TopicDefinition> topics,
			@Nullable String authorize, boolean presence) {
		this.type = type;
		this.template = template;
		this.topics = Collections.unmodifiableMap(topics);
		this.authorize = authorize;
		this.presence = presence;
	}

	/**
	 * Read and check the definition declared by an interface. The rules are those the
	 * annotation processor enforces at compile time.
	 * @param type an interface annotated with {@link RealtimeChannel @RealtimeChannel}
	 * @return the definition
	 * @throws InvalidChannelDefinitionException if the declaration is not valid
	 */
	public static ChannelDefinition of(Class<?> type) {
		Assert.notNull(type, "'type' must not be null");
		MergedAnnotation<RealtimeChannel> annotation = MergedAnnotations.from(type).get(RealtimeChannel.class);
		if (!annotation.isDirectlyPresent()) {
			throw new InvalidChannelDefinitionException(type, "it is not annotated with @RealtimeChannel");
		}
		if (!type.isInterface() || type.isAnnotation()) {
			throw new InvalidChannelDefinitionException(type, "@RealtimeChannel goes on an interface");
		}
		String text = annotation.getString("name");
		String problem = ChannelTemplate.problem(text);
		if (problem != null) {
			throw new InvalidChannelDefinitionException(type, "invalid template '" + text + "': " + problem);
		}
		ChannelTemplate template = ChannelTemplate.parse(text);
		Map<String, TopicDefinition> topics = new LinkedHashMap<>();
		for (Method method : type.getMethods()) {
			if (method.isDefault() || Modifier.isStatic(method.getModifiers()) || method.isSynthetic()) {
				continue;
			}
			readMethod(type, template, method, topics);
		}
		if (topics.isEmpty()) {
			throw new InvalidChannelDefinitionException(type, "it declares no Topic<T> method");
		}
		String authorize = annotation.getString("authorize");
		return new ChannelDefinition(type, template, topics, authorize.isBlank() ? null : authorize,
				annotation.getBoolean("presence"));
	}

	private static void readMethod(Class<?> type, ChannelTemplate template, Method method,
			Map<String, TopicDefinition> topics) {
		String name = method.getName();
		if (method.getParameterCount() > 0) {
			throw new InvalidChannelDefinitionException(type, "method " + name + "() must not take parameters");
		}
		if (method.getReturnType() == String.class) {
			if (!template.placeholders().contains(name)) {
				throw new InvalidChannelDefinitionException(type, "method " + name + "() names unknown placeholder '"
						+ name + "': the template '" + template + "' has " + template.placeholders());
			}
			return;
		}
		if (method.getReturnType() != Topic.class
				|| !(method.getGenericReturnType() instanceof ParameterizedType returnType)) {
			throw new InvalidChannelDefinitionException(type,
					"method " + name + "() must return Topic<T> (or String for a placeholder)");
		}
		Type payloadType = returnType.getActualTypeArguments()[0];
		if (payloadType instanceof TypeVariable<?> || payloadType instanceof WildcardType) {
			throw new InvalidChannelDefinitionException(type,
					"method " + name + "() must name a concrete payload type, not " + payloadType.getTypeName());
		}
		if (name.startsWith("$")) {
			throw new InvalidChannelDefinitionException(type, "topic name '" + name + "' is reserved");
		}
		TopicOptions options = method.getAnnotation(TopicOptions.class);
		boolean stream = options != null && options.stream();
		if (stream && payloadType != String.class) {
			throw new InvalidChannelDefinitionException(type,
					"stream topic " + name + "() must be a Topic<String>: each message is a chunk of its text, not "
							+ payloadType.getTypeName());
		}
		topics.put(name, new TopicDefinition(name, payloadType, options == null || options.history(), stream));
	}

	/**
	 * Return the interface that declares the channel.
	 * @return the declaring interface
	 */
	public Class<?> type() {
		return this.type;
	}

	/**
	 * Return the channel name template.
	 * @return the template
	 */
	public ChannelTemplate template() {
		return this.template;
	}

	/**
	 * Return the topics by name, in declaration order.
	 * @return the topics
	 */
	public Map<String, TopicDefinition> topics() {
		return this.topics;
	}

	/**
	 * Return the topic names.
	 * @return the topic names
	 */
	public Set<String> topicNames() {
		return this.topics.keySet();
	}

	/**
	 * Return a topic by name.
	 * @param name the topic name
	 * @return the topic
	 * @throws InvalidChannelException if the channel has no such topic
	 */
	public TopicDefinition topic(String name) {
		TopicDefinition topic = this.topics.get(name);
		if (topic == null) {
			throw new InvalidChannelException(
					"Channel '" + this.template + "' has no topic '" + name + "'; its topics are " + topicNames());
		}
		return topic;
	}

	/**
	 * Return the authorization expression of {@link RealtimeChannel#authorize()}.
	 * @return the expression, or {@code null} when the channel declares none
	 */
	public @Nullable String authorize() {
		return this.authorize;
	}

	/**
	 * Return whether the channel tracks presence, as {@link RealtimeChannel#presence()}
	 * declares.
	 * @return whether the channel tracks presence
	 */
	public boolean presence() {
		return this.presence;
	}

	@Override
	public String toString() {
		return this.template + " (" + this.type.getName() + ")";
	}

}
