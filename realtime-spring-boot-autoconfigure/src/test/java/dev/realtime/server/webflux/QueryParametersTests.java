package dev.realtime.server.webflux;

import java.net.URI;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.http.HttpMethod;
import org.springframework.http.codec.HttpMessageReader;
import org.springframework.mock.http.server.reactive.MockServerHttpRequest;
import org.springframework.mock.web.server.MockServerWebExchange;
import org.springframework.web.reactive.function.server.HandlerStrategies;
import org.springframework.web.reactive.function.server.ServerRequest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link QueryParameters}.
 */
class QueryParametersTests {

	@Test
	void whenParameterIsPresentThenFirstValueIsReturned() {
		ServerRequest request = request("/sse?history=none&token=a.b&history=all");
		assertThat(QueryParameters.first(request, "history")).isEqualTo("none");
		assertThat(QueryParameters.first(request, "token")).isEqualTo("a.b");
	}

	@Test
	void whenParameterIsAbsentThenNullIsReturned() {
		assertThat(QueryParameters.first(request("/sse"), "history")).isNull();
		assertThat(QueryParameters.first(request("/sse?historyx=none&x=history"), "history")).isNull();
	}

	@Test
	void whenParameterHasNoValueThenEmptyIsReturned() {
		assertThat(QueryParameters.first(request("/sse?lastEventId&history"), "lastEventId")).isEmpty();
		assertThat(QueryParameters.first(request("/sse?lastEventId=&history"), "lastEventId")).isEmpty();
	}

	@Test
	void whenParameterIsPercentEncodedThenItIsDecodedAsWebFluxDecodesIt() {
		ServerRequest request = request("/sse?last%45ventId=7%2Depoch&note=a+b%20c");
		assertThat(QueryParameters.first(request, "lastEventId")).isEqualTo("7-epoch")
			.isEqualTo(request.queryParam("lastEventId").orElseThrow());
		assertThat(QueryParameters.first(request, "note")).isEqualTo("a b c")
			.isEqualTo(request.queryParam("note").orElseThrow());
	}

	private static ServerRequest request(String uri) {
		MockServerWebExchange exchange = MockServerWebExchange
			.from(MockServerHttpRequest.method(HttpMethod.GET, URI.create(uri)).build());
		List<HttpMessageReader<?>> readers = HandlerStrategies.withDefaults().messageReaders();
		return ServerRequest.create(exchange, readers);
	}

}
