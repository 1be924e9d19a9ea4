package dev.realtime.processor;

import java.util.List;

import javax.lang.model.element.TypeElement;
import javax.lang.model.type.TypeMirror;

import org.jspecify.annotations.Nullable;

/**
 * A checked {@code @RealtimeChannel} interface.
 *
 * @param type the interface
 * @param template the channel name template
 * @param authorize the authorization expression, or {@code null}
 * @param presence whether the channel tracks presence
 * @param placeholders the placeholder names, in template order
 * @param accessors the placeholder accessor methods the interface declares
 * @param topics the topics, in declaration order
 * @param valid whether the declaration passed every check; an invalid one still takes
 * part in the overlap check of templates
 * @author Realtime team
 * @since 0.1.0
 */
record ChannelModel(TypeElement type, String template, @Nullable String authorize, boolean presence,
		List<String> placeholders, List<String> accessors, List<TopicModel> topics, boolean valid) {

	/**
	 * One topic of a channel.
	 *
	 * @param name the topic name
	 * @param payloadType the payload type
	 * @param history whether non-durable messages are kept in history; never for a stream
	 * topic
	 * @param stream whether the topic is a stream of text ({@code Topic<String>}) whose
	 * accumulated text the engine keeps instead of its chunks
	 */
	record TopicModel(String name, TypeMirror payloadType, boolean history, boolean stream) {
	}

}
