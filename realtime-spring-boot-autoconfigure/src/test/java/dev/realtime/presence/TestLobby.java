package dev.realtime.presence;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;

@RealtimeChannel(value = "lobby:{lobbyId}", presence = true)
public interface TestLobby {

	Topic<String> lines();

}
