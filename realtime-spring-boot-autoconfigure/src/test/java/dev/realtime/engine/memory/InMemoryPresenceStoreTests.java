package dev.realtime.engine.memory;

import dev.realtime.engine.PresenceStoreContractTests;

/**
 * Tests for {@link InMemoryPresenceStore}: the {@link PresenceStoreContractTests
 * contract} on one node.
 *
 * @author Realtime team
 */
class InMemoryPresenceStoreTests extends PresenceStoreContractTests<InMemoryPresenceStore> {

	private final InMemoryPresenceStore store = new InMemoryPresenceStore(MAX_MEMBERS);

	@Override
	protected InMemoryPresenceStore node() {
		return this.store;
	}

	@Override
	protected InMemoryPresenceStore otherNode() {
		return this.store;
	}

}
