package dev.realtime.engine.redis;

import java.util.List;

import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.MessageId;
import dev.realtime.engine.Replay;
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

	/**
	 * Tell whether a subscriber resuming as asked misses nothing that this snapshot's
	 * history does not hold.
	 * @param replay what the subscriber asked to replay
	 * @return {@code null} when no resume was asked, else whether it is complete
	 */
	@Nullable Boolean recovered(Replay replay) {
		if (replay.mode() != Replay.Mode.AFTER) {
			return null;
		}
		MessageId lastId = (replay.lastId() != null) ? MessageId.parse(replay.lastId()) : null;
		return lastId != null && lastId.epoch().equals(this.epoch) && lastId.offset() >= this.floor
				&& lastId.offset() <= this.offset;
	}

	long lastOffset() {
		return this.messages.isEmpty() ? 0 : this.messages.get(this.messages.size() - 1).id().offset();
	}

}
