package dev.realtime.server.webflux;

import java.util.function.Function;

import dev.realtime.engine.EngineMessage;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.concurrent.FastThreadLocal;
import org.jspecify.annotations.Nullable;

/**
 * The frames of the latest messages on one event loop, in pooled direct buffers shared by
 * every connection of the loop that writes them. A frame's bytes are encoded once per
 * message and cached on it on the heap; each loop copies them into a direct buffer once
 * and writes a retained duplicate of it per connection, so that nothing is copied per
 * connection, no reference count is shared between threads, and no message, however long
 * history keeps it, holds direct memory.
 *
 * @author Realtime team
 */
final class LoopFrames {

	/**
	 * More than a fan-out batch, so that writing a batch connection by connection finds
	 * every frame.
	 */
	private static final int SIZE = 128;

	private final Function<EngineMessage, byte[]> encoder;

	private final @Nullable EngineMessage[] messages = new EngineMessage[SIZE];

	private final @Nullable ByteBuf[] buffers = new ByteBuf[SIZE];

	private int next;

	private LoopFrames(Function<EngineMessage, byte[]> encoder) {
		this.encoder = encoder;
	}

	/**
	 * Return the frames of one encoder, one instance per event loop thread.
	 * @param encoder encodes a message's frame, cached on the message
	 * @return the frames of the calling event loop
	 */
	static FastThreadLocal<LoopFrames> perLoop(Function<EngineMessage, byte[]> encoder) {
		return new FastThreadLocal<>() {

			@Override
			protected LoopFrames initialValue() {
				return new LoopFrames(encoder);
			}

			@Override
			protected void onRemoval(LoopFrames frames) {
				frames.release();
			}

		};
	}

	/**
	 * Return the frame of a message for one write: a duplicate that the write releases.
	 * @param message the message
	 * @param allocator allocates the loop's copy when the message is new to it
	 * @return the frame
	 */
	ByteBuf frame(EngineMessage message, ByteBufAllocator allocator) {
		// the latest first: a message is written to all connections of the loop in a row
		for (int i = 1; i <= SIZE; i++) {
			int index = (this.next - i) & (SIZE - 1);
			if (this.messages[index] == message) {
				ByteBuf buffer = this.buffers[index];
				if (buffer != null) {
					return buffer.retainedDuplicate();
				}
			}
		}
		byte[] bytes = message.frame(this.encoder);
		ByteBuf buffer = allocator.directBuffer(bytes.length).writeBytes(bytes);
		ByteBuf evicted = this.buffers[this.next];
		if (evicted != null) {
			evicted.release();
		}
		this.messages[this.next] = message;
		this.buffers[this.next] = buffer;
		this.next = (this.next + 1) & (SIZE - 1);
		return buffer.retainedDuplicate();
	}

	private void release() {
		for (int i = 0; i < SIZE; i++) {
			ByteBuf buffer = this.buffers[i];
			if (buffer != null) {
				buffer.release();
				this.buffers[i] = null;
			}
			this.messages[i] = null;
		}
	}

}
