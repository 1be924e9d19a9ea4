package dev.realtime.autoconfigure;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;

@RealtimeChannel("notes:{userId}")
public interface TestNotes {

	Topic<Note> notes();

	record Note(String text) {
	}

}
