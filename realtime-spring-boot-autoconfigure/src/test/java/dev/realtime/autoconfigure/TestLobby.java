package dev.realtime.autoconfigure;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;

@RealtimeChannel(value = "lobby:{lobbyId}", authorize = "#lobbyId.startsWith('open-')", presence = true)
public interface TestLobby {

	Topic<Line> lines();

	record Line(String text) {
	}

}
