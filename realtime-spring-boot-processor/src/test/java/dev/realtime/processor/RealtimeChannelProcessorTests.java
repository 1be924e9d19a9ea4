package dev.realtime.processor;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.TypeElement;
import javax.tools.Diagnostic;

import dev.realtime.Channel;
import dev.realtime.InvalidChannelException;
import dev.realtime.Topic;
import dev.realtime.catalog.ChannelCatalogLoader;
import dev.realtime.catalog.DefaultChannelCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link RealtimeChannelProcessor} on valid channels.
 *
 * @author Realtime team
 */
class RealtimeChannelProcessorTests {

	static final String CONTENT_PIPELINE = """
			package com.example;

			import dev.realtime.RealtimeChannel;
			import dev.realtime.Topic;
			import dev.realtime.TopicOptions;
			import jakarta.validation.constraints.NotBlank;
			import org.jspecify.annotations.Nullable;

			@RealtimeChannel(value = "pipeline:{runId}", authorize = "@runs.isOwner(authentication, #runId)")
			public interface ContentPipeline {
				Topic<Status> status();
				@TopicOptions(history = false) Topic<TokenChunk> tokens();
				String runId();
				record Status(@NotBlank String message, @Nullable String step) {}
				record TokenChunk(String token, String step) {}
			}
			""";

	static final String ROOM = """
			package com.example;

			@dev.realtime.RealtimeChannel(value = "room:{roomId}", presence = true,
					authorize = "!#presence or @rooms.isMember(authentication, #roomId)")
			public interface Room {
				dev.realtime.Topic<String> lines();
			}
			""";

	static final String ASSISTANT = """
			package com.example;

			import dev.realtime.RealtimeChannel;
			import dev.realtime.Topic;
			import dev.realtime.TopicOptions;

			@RealtimeChannel("assistant:{chatId}")
			public interface Assistant {
				Topic<String> status();
				@TopicOptions(stream = true) Topic<String> tokens();
				@TopicOptions(history = false, stream = true) Topic<String> reasoning();
			}
			""";

	private static final JsonMapper json = JsonMapper.builder().build();

	@TempDir
	Path directory;

	@Test
	void whenChannelIsValidThenGeneratedClassCompilesWithoutWarnings() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, CONTENT_PIPELINE);
		assertThat(compilation.success()).isTrue();
		assertThat(compilation.diagnostics()).noneMatch((diagnostic) -> diagnostic.getKind() != Diagnostic.Kind.NOTE);
		assertThat(compilation.generatedSource("com/example/ContentPipelineChannel.java"))
			.contains("@javax.annotation.processing.Generated(\"dev.realtime.processor.RealtimeChannelProcessor\")")
			.contains("public final class ContentPipelineChannel implements com.example.ContentPipeline, "
					+ "dev.realtime.Channel {")
			.contains("public static ContentPipelineChannel of(String runId) {");
	}

	@Test
	void whenGeneratedFactoryIsCalledThenChannelHasNameTopicsAndParameters() throws Exception {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, CONTENT_PIPELINE);
		try (URLClassLoader classLoader = compilation.classLoader()) {
			Class<?> generated = classLoader.loadClass("com.example.ContentPipelineChannel");
			Method of = generated.getMethod("of", String.class);
			Channel channel = (Channel) of.invoke(null, "run-1");
			assertThat(channel.name()).isEqualTo("pipeline:run-1");
			assertThat(channel).hasToString("pipeline:run-1");
			assertThat(channel.parameters()).isEqualTo(Map.of("runId", "run-1"));
			assertThat(generated.getMethod("runId").invoke(channel)).isEqualTo("run-1");
			assertThat(channel.definition().type().getName()).isEqualTo("com.example.ContentPipeline");
			assertThat(channel.definition().template().template()).isEqualTo("pipeline:{runId}");
			assertThat(channel.definition().topicNames()).containsExactly("status", "tokens");
			assertThat(generated.getField("DEFINITION").get(null)).isSameAs(channel.definition());
			Topic<?> status = (Topic<?>) generated.getMethod("status").invoke(channel);
			assertThat(status.name()).isEqualTo("status");
			assertThat(status.channel()).isSameAs(channel);
			assertThat(status.definition().payloadType().getTypeName()).isEqualTo("com.example.ContentPipeline$Status");
			assertThat(status).isSameAs(generated.getMethod("status").invoke(channel));
			Topic<?> tokens = (Topic<?>) generated.getMethod("tokens").invoke(channel);
			assertThat(tokens.definition().history()).isFalse();
			assertThat(of.invoke(null, "run-1")).isEqualTo(channel).hasSameHashCodeAs(channel);
			assertThat(of.invoke(null, "run-2")).isNotEqualTo(channel);
			assertThatExceptionOfType(InvocationTargetException.class).isThrownBy(() -> of.invoke(null, "a:b"))
				.havingCause()
				.isInstanceOf(InvalidChannelException.class)
				.withMessageContaining("Invalid value 'a:b' for channel parameter 'runId'");
			assertThatExceptionOfType(InvocationTargetException.class).isThrownBy(() -> of.invoke(null, (Object) null))
				.havingCause()
				.isInstanceOf(InvalidChannelException.class)
				.withMessage("Missing value for placeholder 'runId' of channel 'pipeline:{runId}'");
		}
	}

	@Test
	void whenChannelIsValidThenCatalogDescribesItWithSchemas() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, CONTENT_PIPELINE);
		JsonNode catalog = json.readTree(compilation.read("META-INF/realtime/channels.json"));
		String expected = """
				{"version": 1, "channels": [{
				  "type": "com.example.ContentPipeline",
				  "template": "pipeline:{runId}",
				  "authorize": "@runs.isOwner(authentication, #runId)",
				  "topics": [
				    {"name": "status", "type": "com.example.ContentPipeline.Status", "history": true, "schema": {
				      "$schema": "https://json-schema.org/draft/2020-12/schema",
				      "type": "object", "title": "Status", "x-java-type": "com.example.ContentPipeline.Status",
				      "properties": {"message": {"type": "string", "minLength": 1}, "step": {"type": ["string", "null"]}},
				      "required": ["message"]}},
				    {"name": "tokens", "type": "com.example.ContentPipeline.TokenChunk", "history": false, "schema": {
				      "$schema": "https://json-schema.org/draft/2020-12/schema",
				      "type": "object", "title": "TokenChunk", "x-java-type": "com.example.ContentPipeline.TokenChunk",
				      "properties": {"token": {"type": "string"}, "step": {"type": "string"}},
				      "required": ["token", "step"]}}
				  ]}]}
				""";
		assertThat(catalog).isEqualTo(json.readTree(expected));
	}

	@Test
	void whenChannelIsValidThenTypeScriptDeclaresPayloadsTopicsAndNames() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, CONTENT_PIPELINE);
		String expected = """
				// Generated by dev.realtime.processor.RealtimeChannelProcessor: do not edit.

				/** Payload type com.example.ContentPipeline.Status. */
				export interface Status {
				  message: string;
				  step?: string | null;
				}

				/** Payload type com.example.ContentPipeline.TokenChunk. */
				export interface TokenChunk {
				  token: string;
				  step: string;
				}

				/** Topics of channel `pipeline:{runId}` (com.example.ContentPipeline). */
				export interface ContentPipelineTopics {
				  status: Status;
				  tokens: TokenChunk;
				}

				/** Names of channel `pipeline:{runId}`. */
				export type ContentPipelineName = `pipeline:${string}`;

				export interface RealtimeChannels {
				  "pipeline:{runId}": { name: ContentPipelineName; topics: ContentPipelineTopics };
				}

				/** Any declared channel name. */
				export type RealtimeChannelName = RealtimeChannels[keyof RealtimeChannels]["name"];

				/** The topics of the channel that a name belongs to. */
				export type RealtimeTopicsOf<N extends string> = {
				  [K in keyof RealtimeChannels]: N extends RealtimeChannels[K]["name"] ? RealtimeChannels[K]["topics"] : never;
				}[keyof RealtimeChannels];
				""";
		assertThat(compilation.read("META-INF/realtime/channels.d.ts")).isEqualTo(expected);
	}

	@Test
	void whenChannelTracksPresenceThenCatalogAndTypeScriptSaySo() throws Exception {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, ROOM, CONTENT_PIPELINE);
		assertThat(compilation.diagnostics()).noneMatch((diagnostic) -> diagnostic.getKind() != Diagnostic.Kind.NOTE);
		JsonNode channels = json.readTree(compilation.read("META-INF/realtime/channels.json")).get("channels");
		String expected = """
				{
				  "type": "com.example.Room",
				  "template": "room:{roomId}",
				  "authorize": "!#presence or @rooms.isMember(authentication, #roomId)",
				  "presence": true,
				  "topics": [
				    {"name": "lines", "type": "java.lang.String", "history": true, "schema": {
				      "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"}}
				  ]}
				""";
		assertThat(channels.get(0)).isEqualTo(json.readTree(expected));
		assertThat(channels.get(1).has("presence")).isFalse();
		assertThat(compilation.read("META-INF/realtime/channels.json")).containsOnlyOnce("\"presence\"");
		assertThat(compilation.read("META-INF/realtime/channels.d.ts"))
			.contains(
					"""
							/** Topics of channel `room:{roomId}` (com.example.Room). */
							export interface RoomTopics {
							  lines: string;
							}

							/** Reserved topics of channel `room:{roomId}`: `$presence` messages (kind `presence`) reach tokens that grant presence. */
							export interface RoomReservedTopics {
							  $presence: { type: "join" | "leave"; user: string; info: Record<string, string>; count: number };
							}

							/** Names of channel `room:{roomId}`. */
							export type RoomName = `room:${string}`;

							""")
			.contains(
					"""
							export interface RealtimeChannels {
							  "room:{roomId}": { name: RoomName; topics: RoomTopics; presence: true; reserved: RoomReservedTopics };
							  "pipeline:{runId}": { name: ContentPipelineName; topics: ContentPipelineTopics };
							}
							""")
			.containsOnlyOnce("ReservedTopics {");
		assertThat(compilation.generatedSource("com/example/RoomChannel.java"))
			.contains(" * It tracks presence: members join and leave on the reserved {@code $presence} topic.\n */\n");
		assertThat(compilation.generatedSource("com/example/ContentPipelineChannel.java")).doesNotContain("presence");
		try (URLClassLoader classLoader = compilation.classLoader()) {
			DefaultChannelCatalog catalog = new ChannelCatalogLoader(json).load(classLoader);
			assertThat(catalog.resolve("room:lobby").definition().type().getName()).isEqualTo("com.example.Room");
		}
	}

	@Test
	void whenPresenceChannelIsKeptFromAnEarlierBuildThenTypeScriptStillSaysSo() {
		TestCompiler.compile(this.directory, ROOM, CONTENT_PIPELINE);
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, CONTENT_PIPELINE);
		assertThat(compilation.errors()).isEmpty();
		assertThat(compilation.read("META-INF/realtime/channels.json")).contains("\"presence\": true");
		assertThat(compilation.read("META-INF/realtime/channels.d.ts")).contains(
				"  \"room:{roomId}\": { name: RoomName; topics: RoomTopics; presence: true; reserved: RoomReservedTopics };");
	}

	@Test
	void whenChannelHasStreamTopicsThenCatalogAndTypeScriptSaySo() throws Exception {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, ASSISTANT, CONTENT_PIPELINE);
		assertThat(compilation.diagnostics()).noneMatch((diagnostic) -> diagnostic.getKind() != Diagnostic.Kind.NOTE);
		JsonNode channels = json.readTree(compilation.read("META-INF/realtime/channels.json")).get("channels");
		String expected = """
				{
				  "type": "com.example.Assistant",
				  "template": "assistant:{chatId}",
				  "authorize": null,
				  "topics": [
				    {"name": "status", "type": "java.lang.String", "history": true, "schema": {
				      "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"}},
				    {"name": "tokens", "type": "java.lang.String", "history": false, "stream": true, "schema": {
				      "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"}},
				    {"name": "reasoning", "type": "java.lang.String", "history": false, "stream": true, "schema": {
				      "$schema": "https://json-schema.org/draft/2020-12/schema", "type": "string"}}
				  ]}
				""";
		assertThat(channels.get(0)).isEqualTo(json.readTree(expected));
		assertThat(channels.get(1).toString()).doesNotContain("stream");
		assertThat(compilation.read("META-INF/realtime/channels.d.ts")).contains("""
				/** Topics of channel `assistant:{chatId}` (com.example.Assistant). */
				export interface AssistantTopics {
				  status: string;
				  tokens: string;
				  reasoning: string;
				}

				""")
			.contains(
					"""
							export interface RealtimeChannels {
							  "assistant:{chatId}": { name: AssistantName; topics: AssistantTopics; streams: "tokens" | "reasoning" };
							  "pipeline:{runId}": { name: ContentPipelineName; topics: ContentPipelineTopics };
							}
							""")
			.containsOnlyOnce("streams:");
		try (URLClassLoader classLoader = compilation.classLoader()) {
			DefaultChannelCatalog catalog = new ChannelCatalogLoader(json).load(classLoader);
			Channel channel = catalog.resolve("assistant:chat-1");
			assertThat(channel.definition().topics().get("tokens").stream()).isTrue();
			assertThat(channel.definition().topics().get("tokens").history()).isFalse();
			assertThat(channel.definition().topics().get("status").stream()).isFalse();
		}
	}

	@Test
	void whenPresenceChannelHasAStreamTopicThenTypeScriptEntrySaysBoth() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				@dev.realtime.RealtimeChannel(value = "room:{roomId}", presence = true)
				public interface Room {
					@dev.realtime.TopicOptions(stream = true) dev.realtime.Topic<String> lines();
				}
				""");
		assertThat(compilation.errors()).isEmpty();
		assertThat(compilation.read("META-INF/realtime/channels.d.ts")).contains(
				"  \"room:{roomId}\": { name: RoomName; topics: RoomTopics; presence: true; reserved: RoomReservedTopics; "
						+ "streams: \"lines\" };");
	}

	@Test
	void whenStreamChannelIsKeptFromAnEarlierBuildThenTypeScriptStillSaysSo() {
		TestCompiler.compile(this.directory, ASSISTANT, CONTENT_PIPELINE);
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, CONTENT_PIPELINE);
		assertThat(compilation.errors()).isEmpty();
		assertThat(compilation.read("META-INF/realtime/channels.json")).contains("\"stream\": true");
		assertThat(compilation.read("META-INF/realtime/channels.d.ts")).contains(
				"  \"assistant:{chatId}\": { name: AssistantName; topics: AssistantTopics; streams: \"tokens\" | \"reasoning\" };");
	}

	@Test
	void whenNoTopicIsAStreamThenCatalogAndTypeScriptHaveNoStreamMarker() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, CONTENT_PIPELINE, ROOM);
		assertThat(compilation.read("META-INF/realtime/channels.json")).doesNotContain("stream");
		assertThat(compilation.read("META-INF/realtime/channels.d.ts")).doesNotContain("streams");
	}

	@Test
	void whenAnotherProcessorGeneratesAChannelInALaterRoundThenCatalogHasEveryChannelOnce() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory,
				List.of(new ChannelGeneratingProcessor()), CONTENT_PIPELINE);
		assertThat(compilation.errors()).isEmpty();
		JsonNode channels = json.readTree(compilation.read("META-INF/realtime/channels.json")).get("channels");
		assertThat(channels).extracting((channel) -> channel.get("type").asString())
			.containsExactly("com.example.ContentPipeline", "com.example.Later");
		assertThat(compilation.generatedSource("com/example/LaterChannel.java")).contains("class LaterChannel");
	}

	@Test
	void whenGeneratedCatalogIsLoadedAtRuntimeThenItMatchesTheInterfaces() throws Exception {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, CONTENT_PIPELINE, """
				package com.example;

				@dev.realtime.RealtimeChannel("chat:{room}")
				interface Chat {
					dev.realtime.Topic<java.util.Map<String, java.util.List<ContentPipeline.Status>>> lines();
					dev.realtime.Topic<int[]> counts();
				}
				""");
		try (URLClassLoader classLoader = compilation.classLoader()) {
			DefaultChannelCatalog catalog = new ChannelCatalogLoader(json).load(classLoader);
			assertThat(catalog.definitions()).extracting((definition) -> definition.type().getName())
				.containsExactly("com.example.ContentPipeline", "com.example.Chat");
			assertThat(catalog.resolve("chat:lobby").definition().topicNames()).containsExactlyInAnyOrder("lines",
					"counts");
			Channel generated = (Channel) classLoader.loadClass("com.example.ContentPipelineChannel")
				.getMethod("of", String.class)
				.invoke(null, "run-1");
			assertThat(catalog.resolve("pipeline:run-1")).isEqualTo(generated);
			assertThat(generated).isEqualTo(catalog.resolve("pipeline:run-1"));
		}
	}

	@Test
	void whenChannelHasSeveralPlaceholdersAndNoAuthorizeThenFactoryTakesThemInOrder() throws Exception {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				@dev.realtime.RealtimeChannel(name = "chat:{room}:thread:{thread}")
				interface Thread {
					dev.realtime.Topic<java.util.List<String>> lines();
				}
				""");
		assertThat(compilation.diagnostics()).noneMatch((diagnostic) -> diagnostic.getKind() != Diagnostic.Kind.NOTE);
		try (URLClassLoader classLoader = compilation.classLoader()) {
			Class<?> generated = classLoader.loadClass("com.example.ThreadChannel");
			Channel channel = (Channel) generated.getMethod("of", String.class, String.class).invoke(null, "r1", "t2");
			assertThat(channel.name()).isEqualTo("chat:r1:thread:t2");
			assertThat(channel.parameters()).containsExactly(Map.entry("room", "r1"), Map.entry("thread", "t2"));
		}
		JsonNode channel = json.readTree(compilation.read("META-INF/realtime/channels.json")).get("channels").get(0);
		assertThat(channel.get("authorize").isNull()).isTrue();
		assertThat(channel.get("topics").get(0).get("type").asString()).isEqualTo("java.util.List<java.lang.String>");
		assertThat(compilation.read("META-INF/realtime/channels.d.ts"))
			.contains("export type ThreadName = `chat:${string}:thread:${string}`;")
			.contains("  lines: string[];");
	}

	@Test
	void whenChannelIsNestedThenClassIsNamedAfterItUnlessTheNameIsTaken() throws Exception {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				public class Orders {

					@dev.realtime.RealtimeChannel("orders:{orderId}")
					public interface Updates {
						dev.realtime.Topic<String> status();
					}

				}
				""", """
				package com.example;

				public class Invoices {

					@dev.realtime.RealtimeChannel("invoices:{invoiceId}")
					public interface Updates {
						dev.realtime.Topic<String> status();
					}

				}
				""");
		assertThat(compilation.errors()).isEmpty();
		try (URLClassLoader classLoader = compilation.classLoader()) {
			assertThat(classLoader.loadClass("com.example.UpdatesChannel").getInterfaces())
				.contains(classLoader.loadClass("com.example.Orders$Updates"));
			assertThat(classLoader.loadClass("com.example.InvoicesUpdatesChannel").getInterfaces())
				.contains(classLoader.loadClass("com.example.Invoices$Updates"));
		}
		assertThat(compilation.read("META-INF/realtime/channels.json"))
			.contains("\"type\": \"com.example.Orders$Updates\"")
			.contains("\"type\": \"com.example.Invoices$Updates\"");
		assertThat(compilation.read("META-INF/realtime/channels.d.ts")).contains("export interface UpdatesTopics {")
			.contains("export interface InvoicesUpdatesTopics {");
	}

	@Test
	void whenOnlySomeSourcesAreRecompiledThenCatalogKeepsTheOtherChannelsOnce() {
		TestCompiler.compile(this.directory, CONTENT_PIPELINE, """
				package com.example;

				@dev.realtime.RealtimeChannel("alerts")
				public interface Alerts {
					dev.realtime.Topic<String> alert();
				}
				""");
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				@dev.realtime.RealtimeChannel("alerts:all")
				public interface Alerts {
					dev.realtime.Topic<String> alert();
				}
				""");
		assertThat(compilation.errors()).isEmpty();
		JsonNode channels = json.readTree(compilation.read("META-INF/realtime/channels.json")).get("channels");
		assertThat(channels).hasSize(2);
		assertThat(channels.get(0).get("type").asString()).isEqualTo("com.example.ContentPipeline");
		assertThat(channels.get(1).get("template").asString()).isEqualTo("alerts:all");
		assertThat(compilation.read("META-INF/realtime/channels.d.ts")).contains("export interface Status {")
			.contains("\"alerts:all\": { name: AlertsName; topics: AlertsTopics };");
	}

	@Test
	void whenCatalogOfAnEarlierBuildIsUnreadableThenItIsWrittenAnewWithAWarning() throws IOException {
		Path previous = this.directory.resolve("classes").resolve(RealtimeChannelProcessor.CATALOG);
		Files.createDirectories(previous.getParent());
		Files.writeString(previous, """
				{"version": 1, "channels": [{"template": "alerts"}]}
				""");
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, CONTENT_PIPELINE);
		assertThat(compilation.errors()).isEmpty();
		assertThat(compilation.messages(Diagnostic.Kind.WARNING))
			.containsExactly("Ignoring unreadable " + RealtimeChannelProcessor.CATALOG
					+ " of an earlier build (Expected an object with member 'type'); it is written anew");
		JsonNode channels = json.readTree(compilation.read(RealtimeChannelProcessor.CATALOG)).get("channels");
		assertThat(channels).hasSize(1);
		assertThat(channels.get(0).get("type").asString()).isEqualTo("com.example.ContentPipeline");
	}

	// writes a channel interface in its first round,
	// so that the channel processor sees it in the second
	private static final class ChannelGeneratingProcessor extends AbstractProcessor {

		private boolean written;

		@Override
		public Set<String> getSupportedAnnotationTypes() {
			return Set.of("*");
		}

		@Override
		public SourceVersion getSupportedSourceVersion() {
			return SourceVersion.latestSupported();
		}

		@Override
		public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnvironment) {
			if (!this.written) {
				this.written = true;
				try (Writer writer = this.processingEnv.getFiler().createSourceFile("com.example.Later").openWriter()) {
					writer.write("""
							package com.example;

							@dev.realtime.RealtimeChannel("later:{id}")
							interface Later {
								dev.realtime.Topic<String> news();
							}
							""");
				}
				catch (IOException ex) {
					throw new UncheckedIOException(ex);
				}
			}
			return false;
		}

	}

}
