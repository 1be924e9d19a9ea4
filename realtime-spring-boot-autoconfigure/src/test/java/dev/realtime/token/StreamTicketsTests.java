package dev.realtime.token;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;

import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.testsupport.MutableClock;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StreamTickets} on an {@link InMemoryTicketStore}.
 *
 * @author Realtime team
 */
class StreamTicketsTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(5);

	private final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T10:00:00Z"));

	private final JwsRealtimeTokens tokens = new JwsRealtimeTokens(new TestChannelCatalog(Pipeline.class),
			TokenKeys.secret(TestKeys.SECRET), Duration.ofMinutes(5), Duration.ofSeconds(30), this.clock);

	private final InMemoryTicketStore store = new InMemoryTicketStore(this.clock);

	private final StreamTickets tickets = new StreamTickets(this.tokens, this.store, StreamTickets.DEFAULT_TTL,
			this.clock);

	@Test
	void whenTicketRedeemedThenItCarriesTheGrantsAndExpiryOfItsToken() {
		SubscriptionToken token = this.tokens
			.mint(new TokenRequest("pipeline:run-1", Set.of("status"), Set.of("approval"), null));
		StreamTicket ticket = this.tickets.issue(token.token()).block(TIMEOUT);
		assertThat(ticket.ticket()).matches("[A-Za-z0-9_-]{22}").doesNotContain(token.token());
		assertThat(ticket.expiresAt()).isEqualTo(this.clock.instant().plusSeconds(30));
		TokenClaims claims = this.tickets.redeem(ticket.ticket()).block(TIMEOUT);
		assertThat(claims).isEqualTo(this.tokens.verify(token.token()));
		assertThat(claims.expiresAt()).isEqualTo(token.expiresAt());
	}

	@Test
	void whenTheStoreFailsThenIssueAndRedeemReportTicketsUnavailable() {
		TicketStore failing = new TicketStore() {

			@Override
			public Mono<Void> put(String ticket, String token, Duration ttl) {
				return Mono.error(new IllegalStateException("connection refused"));
			}

			@Override
			public Mono<String> take(String ticket) {
				return Mono.error(new IllegalStateException("connection refused"));
			}

		};
		StreamTickets tickets = new StreamTickets(this.tokens, failing, StreamTickets.DEFAULT_TTL, this.clock);
		StepVerifier.create(tickets.issue(token()))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(TicketsUnavailableException.class)
				.hasMessage("Cannot issue a stream ticket now: connection refused"))
			.verify(TIMEOUT);
		StepVerifier.create(tickets.redeem("AAAAAAAAAAAAAAAAAAAAAA"))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(TicketsUnavailableException.class)
				.hasMessage("Cannot redeem a stream ticket now: connection refused"))
			.verify(TIMEOUT);
	}

	@Test
	void whenTicketRedeemedTwiceThenTheSecondTimeIsRejected() {
		StreamTicket ticket = this.tickets.issue(token()).block(TIMEOUT);
		this.tickets.redeem(ticket.ticket()).block(TIMEOUT);
		StepVerifier.create(this.tickets.redeem(ticket.ticket()))
			.expectErrorSatisfies((ex) -> assertThat(ex).isInstanceOf(InvalidTokenException.class)
				.hasMessage("Unknown, used or expired ticket"))
			.verify(TIMEOUT);
	}

	@Test
	void whenTicketExpiredThenItIsRejected() {
		StreamTicket ticket = this.tickets.issue(token()).block(TIMEOUT);
		this.clock.advance(Duration.ofSeconds(30));
		StepVerifier.create(this.tickets.redeem(ticket.ticket()))
			.expectError(InvalidTokenException.class)
			.verify(TIMEOUT);
	}

	@Test
	void whenTokenExpiresBeforeTheTicketTtlThenTheTicketExpiresWithIt() {
		String token = this.tokens.mint(new TokenRequest("pipeline:run-1", Set.of(), Set.of(), Duration.ofSeconds(10)))
			.token();
		StreamTicket ticket = this.tickets.issue(token).block(TIMEOUT);
		assertThat(ticket.expiresAt()).isEqualTo(this.clock.instant().plusSeconds(10));
		this.clock.advance(Duration.ofSeconds(10));
		StepVerifier.create(this.tickets.redeem(ticket.ticket()))
			.expectError(InvalidTokenException.class)
			.verify(TIMEOUT);
	}

	@Test
	void whenTokenIsInvalidThenNoTicketIsIssued() {
		StepVerifier.create(this.tickets.issue("not-a-token")).expectError(InvalidTokenException.class).verify(TIMEOUT);
		String token = token();
		this.clock.advance(Duration.ofMinutes(5).plusSeconds(10));
		// still accepted within the clock skew, but there is no time left for a ticket
		StepVerifier.create(this.tickets.issue(token))
			.expectErrorSatisfies(
					(ex) -> assertThat(ex).isInstanceOf(InvalidTokenException.class).hasMessage("Token expired"))
			.verify(TIMEOUT);
		assertThat(this.store.size()).isZero();
	}

	@Test
	void whenATokenIsGivenAsATicketThenItIsRejected() {
		StepVerifier.create(this.tickets.redeem(token()))
			.expectErrorSatisfies(
					(ex) -> assertThat(ex).isInstanceOf(InvalidTokenException.class).hasMessage("Unknown ticket"))
			.verify(TIMEOUT);
		StepVerifier.create(this.tickets.redeem("")).expectError(InvalidTokenException.class).verify(TIMEOUT);
	}

	@Test
	void whenManyTicketsExpireUnusedThenTheStoreForgetsThem() {
		String token = token();
		for (int i = 0; i < 255; i++) {
			this.tickets.issue(token).block(TIMEOUT);
		}
		this.clock.advance(Duration.ofSeconds(31));
		this.tickets.issue(token).block(TIMEOUT);
		assertThat(this.store.size()).isOne();
	}

	private String token() {
		return this.tokens.mint(TokenRequest.read("pipeline:run-1")).token();
	}

	@RealtimeChannel("pipeline:{runId}")
	interface Pipeline {

		Topic<String> status();

		Topic<Boolean> approval();

	}

}
