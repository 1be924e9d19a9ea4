package dev.realtime.server;

import dev.realtime.Channel;
import dev.realtime.ChannelCatalog;
import dev.realtime.TopicDefinition;
import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.PublishRequest;
import dev.realtime.metrics.RealtimeStatistics.PublishSource;
import dev.realtime.support.PayloadCodec;
import dev.realtime.support.RealtimeTemplate;
import dev.realtime.token.TokenClaims;
import reactor.core.publisher.Mono;
import tools.jackson.databind.JsonNode;

/**
 * Publishes what browsers send (replies for human-in-the-loop runs) after checking the
 * token's publish grant and the topic's type, shared by the HTTP and WebSocket endpoints.
 *
 * @author Realtime team
 */
final class ClientPublishing {

	private final ChannelCatalog catalog;

	private final PayloadCodec codec;

	private final RealtimeTemplate template;

	ClientPublishing(ChannelCatalog catalog, PayloadCodec codec, RealtimeTemplate template) {
		this.catalog = catalog;
		this.codec = codec;
		this.template = template;
	}

	Mono<EngineMessage> publish(TokenClaims claims, String channelName, String topicName, JsonNode data) {
		return Mono.defer(() -> {
			if (!claims.channel().equals(channelName) || !claims.publish().contains(topicName)) {
				throw new ForbiddenException(
						"Token does not grant publishing to '" + topicName + "' of channel '" + channelName + "'");
			}
			Channel channel = this.catalog.resolve(channelName);
			TopicDefinition topic = channel.definition().topic(topicName);
			byte[] payload = this.template.encoded(PublishSource.CLIENT,
					() -> this.codec.encodeClientPayload(channelName + "/" + topicName, topic, data));
			return this.template.publish(PublishRequest.of(channelName, topic, payload, null, false),
					PublishSource.CLIENT);
		});
	}

}
