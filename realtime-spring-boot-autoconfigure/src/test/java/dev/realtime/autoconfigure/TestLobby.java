package dev.realtime.autoconfigure;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.TopicOptions;

@RealtimeChannel(value = "lobby:{lobbyId}", authorize = "#lobbyId.startsWith('open-')", presence = true)
public interface TestLobby {

	Topic<Line> lines();

	@TopicOptions(stream = true)
	Topic<String> transcript();

	record Line(String text) {
	}

}
