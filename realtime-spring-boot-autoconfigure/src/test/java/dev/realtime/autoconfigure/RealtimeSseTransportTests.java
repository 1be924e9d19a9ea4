package dev.realtime.autoconfigure;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
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
 * Tests of the bytes the SSE endpoint writes on a real Reactor Netty server: each frame
 * written below WebFlux is one well-formed HTTP chunk (on Tomcat see
 * {@link WebMvcSseTransportTests}), the response ends with the last chunk and the
 * connection stays usable, and a compressing server still gets a complete compressed
 * stream.
 */
@SpringBootTest(classes = RealtimeEndpointsContractTests.TestApplication.class,
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "server.compression.enabled=true", "server.compression.mime-types=text/event-stream",
				"server.compression.min-response-size=0", "realtime.sse.keep-alive=300ms" })
class RealtimeSseTransportTests {

	@LocalServerPort
	private int port;

	@Autowired
	private RealtimePublisher publisher;

	@Autowired
	private RealtimeTokens tokens;

	@Test
	void whenStreamEndsThenEveryFrameWasOneChunkAndTheConnectionServesTheNextRequest() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("transport-1");
		this.publisher.publish(channel.status(), new Status("kept"));
		String token = this.tokens
			.mint(new TokenRequest(channel.name(), Set.of("status"), Set.of(), Duration.ofSeconds(2)))
			.token();
		try (Socket socket = new Socket("127.0.0.1", this.port)) {
			socket.setSoTimeout(10_000);
			OutputStream out = socket.getOutputStream();
			InputStream in = socket.getInputStream();
			out.write(request("/realtime/sse?token=" + token));
			String head = readHead(in);
			assertThat(head).startsWith("HTTP/1.1 200").containsIgnoringCase("transfer-encoding: chunked");
			assertThat(head).doesNotContainIgnoringCase("content-encoding");
			this.publisher.publish(channel.status(), new Status("live"));
			List<String> chunks = readChunks(in);
			assertThat(chunks.get(0)).startsWith("retry: 1000\nevent: subscribed\n").endsWith("\n\n");
			assertThat(chunks).anySatisfy((chunk) -> assertThat(chunk).startsWith("id: ").contains("\"kept\""));
			assertThat(chunks).anySatisfy((chunk) -> assertThat(chunk).startsWith("id: ").contains("\"live\""));
			assertThat(chunks).contains(":\n\n");
			assertThat(chunks.get(chunks.size() - 1))
				.isEqualTo("event: expired\ndata: {\"channel\":\"" + channel.name() + "\"}\n\n");
			// the last chunk ended the response: the same connection takes another
			// request
			out.write(request("/realtime/sse"));
			assertThat(readHead(in)).startsWith("HTTP/1.1 401");
		}
	}

	@Test
	void whenServerCompressesEventStreamsThenTheStreamIsCompressedAndComplete() throws Exception {
		TestPipelineChannel channel = TestPipelineChannel.of("transport-2");
		this.publisher.publish(channel.status(), new Status("kept"));
		String token = this.tokens
			.mint(new TokenRequest(channel.name(), Set.of("status"), Set.of(), Duration.ofSeconds(2)))
			.token();
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

	static byte[] concat(byte[] first, byte[] second) {
		byte[] both = Arrays.copyOf(first, first.length + second.length);
		System.arraycopy(second, 0, both, first.length, second.length);
		return both;
	}

	static byte[] request(String path) {
		return ("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n")
			.getBytes(StandardCharsets.US_ASCII);
	}

	static String readHead(InputStream in) throws IOException {
		ByteArrayOutputStream head = new ByteArrayOutputStream();
		while (!head.toString(StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
			int b = in.read();
			assertThat(b).as("end of the response head").isNotNegative();
			head.write(b);
		}
		String text = head.toString(StandardCharsets.US_ASCII);
		if (text.contains("Content-Length: ")) {
			String length = text.substring(text.indexOf("Content-Length: ") + 16);
			in.readNBytes(Integer.parseInt(length.substring(0, length.indexOf('\r'))));
		}
		return text;
	}

	/**
	 * Read chunks up to the last (empty) one, checking each size line and terminator.
	 */
	static List<String> readChunks(InputStream in) throws IOException {
		List<String> chunks = new ArrayList<>();
		while (true) {
			String sizeLine = readLine(in);
			int size = Integer.parseInt(sizeLine, 16);
			if (size == 0) {
				assertThat(readLine(in)).isEmpty();
				return chunks;
			}
			byte[] chunk = in.readNBytes(size);
			assertThat(chunk).hasSize(size);
			assertThat(readLine(in)).as("chunk terminator").isEmpty();
			chunks.add(new String(chunk, StandardCharsets.UTF_8));
		}
	}

	private static String readLine(InputStream in) throws IOException {
		ByteArrayOutputStream line = new ByteArrayOutputStream();
		int b;
		while ((b = in.read()) != '\n') {
			assertThat(b).as("end of a line").isNotNegative();
			line.write(b);
		}
		String text = line.toString(StandardCharsets.US_ASCII);
		assertThat(text).endsWith("\r");
		return text.substring(0, text.length() - 1);
	}

}
