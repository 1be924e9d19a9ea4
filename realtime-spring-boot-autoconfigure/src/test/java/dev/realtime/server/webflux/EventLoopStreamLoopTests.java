package dev.realtime.server.webflux;

import java.util.concurrent.TimeUnit;

import dev.realtime.delivery.StreamLoop;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link EventLoopStreamLoop}.
 *
 * @author Realtime team
 */
class EventLoopStreamLoopTests {

	private final EventLoop eventLoop = new DefaultEventLoop();

	private final EventLoop otherEventLoop = new DefaultEventLoop();

	@AfterEach
	void shutdown() {
		this.eventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
		this.otherEventLoop.shutdownGracefully(0, 0, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void whenStreamsStartOnAnEventLoopThenTheyShareOneLoop() throws Exception {
		StreamLoop first = this.eventLoop.submit(() -> EventLoopStreamLoop.of(this.eventLoop)).get(5, TimeUnit.SECONDS);
		StreamLoop second = this.eventLoop.submit(() -> EventLoopStreamLoop.of(this.eventLoop))
			.get(5, TimeUnit.SECONDS);
		assertThat(first).isSameAs(second);
	}

	@Test
	void whenALoopIsTakenOffItsEventLoopThenItEqualsTheSharedOne() throws Exception {
		StreamLoop shared = this.eventLoop.submit(() -> EventLoopStreamLoop.of(this.eventLoop))
			.get(5, TimeUnit.SECONDS);
		StreamLoop outside = EventLoopStreamLoop.of(this.eventLoop);
		assertThat(outside).isNotSameAs(shared).isEqualTo(shared);
		assertThat(EventLoopStreamLoop.of(this.otherEventLoop)).isNotEqualTo(shared);
	}

}
