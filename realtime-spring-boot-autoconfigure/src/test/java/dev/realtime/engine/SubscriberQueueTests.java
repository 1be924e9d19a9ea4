package dev.realtime.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link SubscriberQueue}.
 */
class SubscriberQueueTests {

	@Test
	void whenFullThenOffersAreRefusedAtExactlyTheCapacity() {
		SubscriberQueue<Integer> queue = SubscriberQueue.bounded(5);
		for (int i = 0; i < 5; i++) {
			assertThat(queue.offer(i)).isTrue();
		}
		assertThat(queue.offer(5)).isFalse();
		assertThat(queue).hasSize(5);
	}

	@Test
	void whenPolledThenElementsComeInOrderAndMakeRoom() {
		SubscriberQueue<Integer> queue = SubscriberQueue.bounded(40);
		for (int i = 0; i < 40; i++) {
			queue.offer(i);
		}
		assertThat(queue.peek()).isZero();
		assertThat(queue.poll()).isZero();
		assertThat(queue.offer(40)).isTrue();
		for (int i = 1; i <= 40; i++) {
			assertThat(queue.poll()).isEqualTo(i);
		}
		assertThat(queue.poll()).isNull();
		assertThat(queue.isEmpty()).isTrue();
		assertThat(queue.size()).isZero();
	}

	@Test
	void whenCapacityIsNotPositiveThenCreationFails() {
		assertThatIllegalArgumentException().isThrownBy(() -> SubscriberQueue.bounded(0));
	}

}
