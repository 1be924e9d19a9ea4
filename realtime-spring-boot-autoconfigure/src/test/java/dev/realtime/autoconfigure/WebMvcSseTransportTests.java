package dev.realtime.autoconfigure;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.zip.GZIPInputStream;

import dev.realtime.RealtimePublisher;
import dev.realtime.autoconfigure.TestPipeline.Status;
import dev.realtime.token.RealtimeTokens;
import dev.realtime.token.TokenRequest;
import org.junit.jupiter.api.Test;
import reactor.netty.http.client.HttpClient;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the bytes the SSE endpoint writes on Tomcat: well-formed HTTP chunks that hold
 * exactly the events of the wire contract, in order, a last chunk that ends the response
 * so that the connection serves the next request, and a complete compressed stream from a
 * compressing server. Tomcat decides how frames fall into chunks, so the chunks are read
 * together.
 */
@SpringBootTest(classes = RealtimeEndpointsContractTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.main.web-application-type=servlet", "server.compression.enabled=true",
				"server.compression.mime-types=text/event-stream", "server.compression.min-response-size=0",
				"realtime.sse.keep-alive=300ms" })
class WebMvcSseTransportTests {

	@LocalServerPort
	private int port;

	@Autowired
	private RealtimePublisher publisher;

	@Autowired
	private RealtimeTokens tokens;

	@Test
	void whenStreamEndsThenItsChunksHoldEveryEventAndTheConnectionServesTheNextRequest() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("mvc-transport-1");
		this.publisher.publish(channel.status(), new Status("kept"));
		String token = mint(channel);
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write(RealtimeSseTransportTests.request("/realtime/sse?token=" + token));
			String head = RealtimeSseTransportTests.readHead(in);
			assertThat(head).startsWith("HTTP/1.1 200")
				.containsIgnoringCase("transfer-encoding: chunked")
				.containsIgnoringCase("content-type: text/event-stream")
				.containsIgnoringCase("cache-control: no-store")
				.doesNotContainIgnoringCase("content-encoding");
			this.publisher.publish(channel.status(), new Status("live"));
			String body = String.join("", RealtimeSseTransportTests.readChunks(in));
			List<String> events = List.of(body.split("(?<=\n\n)"));
			assertThat(events.get(0)).isEqualTo("retry: 1000\nevent: subscribed\ndata: {\"channel\":\"" + channel.name()
					+ "\",\"topics\":[\"status\"],\"recovered\":null}\n\n");
			assertThat(events.get(1)).startsWith("id: ").contains("\nevent: message\ndata: {").contains("\"kept\"");
			assertThat(events.get(2)).startsWith("id: ").contains("\"live\"");
			assertThat(events).contains(":\n\n");
			assertThat(events.get(events.size() - 1))
				.isEqualTo("event: expired\ndata: {\"channel\":\"" + channel.name() + "\"}\n\n");
			out.write(RealtimeSseTransportTests.request("/realtime/sse"));
			assertThat(RealtimeSseTransportTests.readHead(in)).startsWith("HTTP/1.1 401");
		}
	}

	@Test
	void whenServerCompressesEventStreamsThenTheStreamIsCompressedAndComplete() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("mvc-transport-2");
		this.publisher.publish(channel.status(), new Status("kept"));
		String token = mint(channel);
		List<String> encodings = new ArrayList<>();
		byte[] compressed = HttpClient.create()
			.headers((headers) -> headers.add("Accept-Encoding", "gzip"))
			.get()
			.uri("http://127.0.0.1:" + this.port + "/realtime/sse?token=" + token)
			.response((response, content) -> {
				encodings.add(response.responseHeaders().get("Content-Encoding"));
				return content.asByteArray();
			})
			.reduce(RealtimeSseTransportTests::concat)
			.block(Duration.ofSeconds(10));
		String body = new String(new GZIPInputStream(new ByteArrayInputStream(compressed)).readAllBytes(),
				StandardCharsets.UTF_8);
		assertThat(encodings).containsExactly("gzip");
		assertThat(body).startsWith("retry: 1000\nevent: subscribed\n")
			.contains("\"kept\"")
			.endsWith("event: expired\ndata: {\"channel\":\"" + channel.name() + "\"}\n\n");
	}

	private String mint(TestPipelineChannel channel) {
		return this.tokens.mint(new TokenRequest(channel.name(), Set.of("status"), Set.of(), Duration.ofSeconds(2)))
			.token();
	}

}
