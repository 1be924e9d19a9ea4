package dev.realtime.server.webflux;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;

import dev.realtime.Channel;
import dev.realtime.run.RealtimeRuns;
import dev.realtime.token.TokenRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.test.web.reactive.server.WebTestClient;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link RealtimeCancelHandler} when the engine does not answer, and for the
 * endpoints without runs.
 *
 * @author Realtime team
 */
class RealtimeCancelHandlerTests {

	private final EndpointsFixture fixture = new EndpointsFixture();

	private final List<String> asked = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void whenTheEngineFailsThenTheCancelIsA503ThatTheClientMayRetry() {
		String token = this.fixture.tokens.mint(TokenRequest.read("room:r1").withCancel(true)).token();
		client(failingRuns()).post()
			.uri("/realtime/runs/run-1/cancel")
			.headers((headers) -> headers.setBearerAuth(token))
			.exchange()
			.expectStatus()
			.isEqualTo(HttpStatus.SERVICE_UNAVAILABLE)
			.expectHeader()
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.expectBody()
			.jsonPath("$.detail")
			.isEqualTo("Could not cancel run 'run-1' now: connection refused");
		assertThat(this.asked).containsExactly("room:r1 run-1");
	}

	@Test
	void whenNoRunsAreSetThenThereIsNoCancelEndpoint() {
		WebTestClient client = WebTestClient
			.bindToRouterFunction(new RealtimeServerEndpoints(this.fixture.endpoints().build())
				.routerFunction("/realtime", true, true, true, true))
			.build();
		client.post().uri("/realtime/runs/run-1/cancel").exchange().expectStatus().isNotFound();
	}

	private WebTestClient client(RealtimeRuns runs) {
		return WebTestClient
			.bindToRouterFunction(new RealtimeServerEndpoints(this.fixture.endpoints().runs(runs).build())
				.routerFunction("/realtime", true, true, true, true))
			.build();
	}

	// the engine refusing the connection, as Redis does when it is down
	private RealtimeRuns failingRuns() {
		return (RealtimeRuns) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] { RealtimeRuns.class },
				(proxy, method, args) -> {
					if (method.getName().equals("cancel")) {
						this.asked.add(((Channel) args[0]).name() + " " + args[1]);
						return Mono.error(new IllegalStateException("connection refused"));
					}
					throw new UnsupportedOperationException(method.getName());
				});
	}

}
