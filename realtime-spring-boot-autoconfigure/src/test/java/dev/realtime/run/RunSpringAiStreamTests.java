package dev.realtime.run;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.realtime.engine.EngineMessage;
import dev.realtime.engine.Replay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Flux;
import reactor.test.StepVerifier;

import org.springframework.ai.chat.client.ChatClient;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.model.Generation;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Streaming a Spring AI {@link ChatClient}'s answer into a stream topic from a run, with
 * a scripted {@link ChatModel} in place of a provider: no model, no network.
 *
 * @author Realtime team
 */
class RunSpringAiStreamTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final RunsFixture fixture = new RunsFixture();

	@AfterEach
	void close() throws Exception {
		this.fixture.close();
	}

	@Test
	void whenARunStreamsAChatClientsAnswerThenItReturnsTheWholeAnswerAndLateSubscribersGetItAsOneSnapshot()
			throws Exception {
		ChatClient chat = ChatClient.create(new ScriptedChatModel(Flux.just("Spring ", "streams ", "tokens.")));
		TestJobChannel channel = TestJobChannel.of("chat");
		RunHandle<String> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRunId("chat"),
				(run) -> run.stream(channel.text(), chat.prompt("What does it stream?").stream().content()));
		assertThat(handle.await(WAIT)).isEqualTo("Spring streams tokens.");
		StepVerifier
			.create(this.fixture.fanOut.subscribe(channel.name(), Set.of("text"), Replay.all())
				.filter((event) -> event instanceof EngineMessage message && message.topic().equals("text")))
			.assertNext((event) -> assertThat(new String(((EngineMessage) event).data(), StandardCharsets.UTF_8))
				.isEqualTo("\"Spring streams tokens.\""))
			.thenCancel()
			.verify(WAIT);
	}

	@Test
	void whenTheRunIsCancelledThenTheModelsStreamIsDisposed() throws Exception {
		CountDownLatch answering = new CountDownLatch(1);
		CountDownLatch disposed = new CountDownLatch(1);
		Flux<String> endless = Flux.interval(Duration.ofMillis(10))
			.onBackpressureDrop()
			.map((n) -> "token ")
			.doOnNext((token) -> answering.countDown())
			.doOnCancel(disposed::countDown);
		ChatClient chat = ChatClient.create(new ScriptedChatModel(endless));
		TestJobChannel channel = TestJobChannel.of("chat-cancelled");
		RunHandle<String> handle = this.fixture.runs.start(channel, RunOptions.defaults().withRunId("chat-cancelled"),
				(run) -> run.stream(channel.text(), chat.prompt("Go on forever").stream().content()));
		assertThat(answering.await(5, TimeUnit.SECONDS)).isTrue();
		assertThat(handle.cancel()).isTrue();
		assertThat(disposed.await(5, TimeUnit.SECONDS)).isTrue();
		assertThatExceptionOfType(CancellationException.class).isThrownBy(() -> handle.await(WAIT));
	}

	/**
	 * Answers every prompt with the given tokens, one chat response each.
	 */
	private record ScriptedChatModel(Flux<String> tokens) implements ChatModel {

		@Override
		public ChatResponse call(Prompt prompt) {
			throw new UnsupportedOperationException("Only streams");
		}

		@Override
		public Flux<ChatResponse> stream(Prompt prompt) {
			return this.tokens.map((token) -> new ChatResponse(List.of(new Generation(new AssistantMessage(token)))));
		}

	}

}
