package dev.realtime.engine;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.realtime.PresenceMember;
import dev.realtime.PresenceSnapshot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The contract of {@link PresenceStore}: what every store promises, run against each by a
 * subclass that creates it. Stores shared by several nodes get a second node in
 * {@link #otherNode()}; a store for one node is its own other node.
 *
 * @param <S> the type of the store under test
 * @author Realtime team
 */
public abstract class PresenceStoreContractTests<S extends PresenceStore> {

	protected static final Duration TIMEOUT = Duration.ofSeconds(5);

	protected static final int MAX_MEMBERS = 3;

	private static final PresenceMember ALICE = new PresenceMember("alice", Map.of("name", "Alice"));

	private static final PresenceMember BOB = new PresenceMember("bob", Map.of());

	/**
	 * Create the store of the first node, listing {@link #MAX_MEMBERS} members per
	 * channel.
	 * @return the store
	 */
	protected abstract S node();

	/**
	 * Return the store of a second node sharing the first one's members, or the first
	 * node's store when the store serves one node.
	 * @return the store
	 */
	protected abstract S otherNode();

	protected String channel(TestInfo test) {
		return "lobby:" + test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
	}

	@Test
	void whenAUserJoinsThenItsJoinIsReportedWithTheCountAndItIsListedWithItsInfo(TestInfo test) {
		String channel = channel(test);
		StepVerifier.create(node().join(channel, ALICE))
			.expectNext(new PresenceChange(true, ALICE, 1))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(otherNode().members(channel))
			.expectNext(new PresenceSnapshot(channel, 1, List.of(ALICE)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void whenAMemberJoinsAgainThenNothingIsReported(TestInfo test) {
		String channel = channel(test);
		node().join(channel, ALICE).block(TIMEOUT);
		StepVerifier.create(otherNode().join(channel, ALICE)).expectComplete().verify(TIMEOUT);
		assertThat(node().members(channel).block(TIMEOUT).count()).isEqualTo(1);
	}

	@Test
	void whenTheLastNodeOfAMemberLeavesThenOneLeaveIsReported(TestInfo test) {
		String channel = channel(test);
		node().join(channel, ALICE).block(TIMEOUT);
		node().join(channel, BOB).block(TIMEOUT);
		otherNode().join(channel, ALICE).block(TIMEOUT);
		if (otherNode() != node()) {
			// still on the other node
			StepVerifier.create(node().leave(channel, "alice")).expectComplete().verify(TIMEOUT);
		}
		StepVerifier.create(otherNode().leave(channel, "alice"))
			.expectNext(new PresenceChange(false, ALICE, 1))
			.expectComplete()
			.verify(TIMEOUT);
		StepVerifier.create(node().members(channel))
			.expectNext(new PresenceSnapshot(channel, 1, List.of(BOB)))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void whenAUserWhoIsNoMemberLeavesThenNothingIsReported(TestInfo test) {
		String channel = channel(test);
		StepVerifier.create(node().leave(channel, "nobody")).expectComplete().verify(TIMEOUT);
		StepVerifier.create(node().members(channel))
			.expectNext(new PresenceSnapshot(channel, 0, List.of()))
			.expectComplete()
			.verify(TIMEOUT);
	}

	@Test
	void whenMoreUsersJoinThanAreListedThenTheCountStaysExactAndOnlyListedOnesAreReported(TestInfo test) {
		String channel = channel(test);
		for (int i = 0; i < MAX_MEMBERS; i++) {
			StepVerifier.create(node().join(channel, new PresenceMember("user-" + i, Map.of())))
				.expectNextCount(1)
				.expectComplete()
				.verify(TIMEOUT);
		}
		StepVerifier.create(otherNode().join(channel, new PresenceMember("extra", Map.of())))
			.expectComplete()
			.verify(TIMEOUT);
		PresenceSnapshot presence = node().members(channel).block(TIMEOUT);
		assertThat(presence.count()).isEqualTo(MAX_MEMBERS + 1);
		assertThat(presence.members()).extracting(PresenceMember::user)
			.containsExactlyInAnyOrder("user-0", "user-1", "user-2");
		StepVerifier.create(otherNode().leave(channel, "extra")).expectComplete().verify(TIMEOUT);
		StepVerifier.create(node().leave(channel, "user-0"))
			.expectNext(new PresenceChange(false, new PresenceMember("user-0", Map.of()), MAX_MEMBERS - 1))
			.expectComplete()
			.verify(TIMEOUT);
		assertThat(node().members(channel).block(TIMEOUT).count()).isEqualTo(MAX_MEMBERS - 1);
	}

	@Test
	void whenChannelsDifferThenTheirMembersDoNotMix(TestInfo test) {
		String first = channel(test);
		String second = channel(test);
		node().join(first, ALICE).block(TIMEOUT);
		StepVerifier.create(node().join(second, ALICE))
			.expectNext(new PresenceChange(true, ALICE, 1))
			.expectComplete()
			.verify(TIMEOUT);
		node().leave(first, "alice").block(TIMEOUT);
		assertThat(node().members(second).block(TIMEOUT).members()).containsExactly(ALICE);
	}

}
