package dev.realtime.engine.redis;

import java.util.List;

import dev.realtime.engine.EngineMessage;
import org.jspecify.annotations.Nullable;

/**
 * The state of a channel in Redis, read atomically by {@code history.lua}.
 *
 * @param epoch the channel's epoch, {@code null} when Redis holds nothing for it
 * @param offset the offset of the last message published to the channel
 * @param floor the offset of the last retained message that left the history: a resume
 * from before it is incomplete
 * @param messages the retained messages that were asked for, oldest first
 * @author Realtime team
 */
record Snapshot(@Nullable String epoch, long offset, long floor, List<EngineMessage> messages) {

	static final Snapshot EMPTY = new Snapshot(null, 0, 0, List.of());

	long lastOffset() {
		return this.messages.isEmpty() ? 0 : this.messages.get(this.messages.size() - 1).id().offset();
	}

}
