package dev.realtime.sample;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import dev.realtime.RealtimeMessage;
import dev.realtime.RealtimeSubscriber;
import dev.realtime.sample.ContentPipeline.Status;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import reactor.core.publisher.Mono;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Drives the sample page in a real headless Chromium: sign in, start a run, watch it
 * stream over SSE and WebSocket, and recover from connections cut mid-run.
 * <p>
 * Needs Chromium at {@code /usr/bin/chromium}; without it the tests are skipped, unless
 * {@code -Drealtime.test.browser.required=true} makes them fail.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT)
class BrowserEndToEndTests {

	private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

	private static final String TOPIC = "realtime streams in Spring Boot";

	private static final String DRAFT = String.join("", Drafts.draft(TOPIC));

	private static final List<String> STATUS_LINES = List.of("Researching \"" + TOPIC + "\"",
			"Research complete: 3 sources found", "Writing the draft", "Draft complete");

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	// records what changes too fast to poll: every connection state and every delivered
	// id
	private static final String RECORD_CHANGES = """
			() => {
			  window.e2e = { states: [], ids: [] };
			  const connection = document.getElementById('connection');
			  new MutationObserver((records) => records.forEach((record, i) => window.e2e.states.push(
			      (i + 1 < records.length) ? records[i + 1].oldValue : connection.dataset.state)))
			    .observe(connection, { attributes: true, attributeFilter: ['data-state'], attributeOldValue: true });
			  new MutationObserver((records) => records.forEach((record) => record.addedNodes.forEach(
			      (node) => window.e2e.ids.push(node.textContent))))
			    .observe(document.getElementById('last-id'), { childList: true });
			}""";

	private static final String STATUS_TEXTS = """
			() => [...document.querySelectorAll('#statuses li:not(.run)')].map((li) => li.firstChild.textContent)""";

	private static Playwright playwright;

	private static Browser browser;

	@LocalServerPort
	private int port;

	@Autowired
	private RealtimeSubscriber subscriber;

	private BrowserContext context;

	private Page page;

	private final List<String> connections = new CopyOnWriteArrayList<>();

	@BeforeAll
	static void launchBrowser() {
		if (!Files.isExecutable(CHROMIUM)) {
			String message = "Browser tests need Chromium at " + CHROMIUM + " (apt-get install chromium)";
			if (Boolean.getBoolean("realtime.test.browser.required")) {
				fail(message + ", and realtime.test.browser.required is true");
			}
			Assumptions.abort(message + "; skipped because realtime.test.browser.required is not true");
		}
		playwright = Playwright.create();
		browser = playwright.chromium()
			.launch(new BrowserType.LaunchOptions().setExecutablePath(CHROMIUM)
				.setArgs(List.of("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
						"--disable-background-networking", "--disable-component-update", "--disable-sync",
						"--no-first-run", "--disable-quic")));
		PlaywrightAssertions.setDefaultAssertionTimeout(TIMEOUT.toMillis());
	}

	@AfterAll
	static void closeBrowser() {
		if (playwright != null) {
			playwright.close();
		}
	}

	@BeforeEach
	void openPage() {
		this.context = browser.newContext(new Browser.NewContextOptions().setViewportSize(1000, 900));
		this.context.setDefaultTimeout(TIMEOUT.toMillis());
		this.page = this.context.newPage();
		this.page.onRequest((request) -> this.connections.add(request.url()));
		this.page.onWebSocket((socket) -> this.connections.add(socket.url()));
	}

	@AfterEach
	void closePage() {
		this.context.close();
	}

	@ParameterizedTest
	@ValueSource(strings = { "sse", "websocket" })
	void whenAliceStartsRunThenPageShowsItLive(String transport) {
		signInAsAlice(this.port);
		startRun(transport);
		PlaywrightAssertions.assertThat(connection()).hasAttribute("data-state", "open");
		// part of the draft while the rest is still being written: tokens arrive live
		this.page.waitForFunction("(full) => { const text = document.getElementById('draft').textContent;"
				+ " return text.length > 0 && text.length < full.length; }", DRAFT);
		PlaywrightAssertions.assertThat(this.page.locator("#statuses li").last()).containsText("Draft complete");
		PlaywrightAssertions.assertThat(this.page.locator("#draft")).hasText(DRAFT);
		assertThat(statusLines()).containsExactlyElementsOf(STATUS_LINES);
		PlaywrightAssertions.assertThat(this.page.locator("#run-status")).hasAttribute("data-state", "completed");
		// every status line and token, plus the run's running and completed messages
		assertThat(recordedIds()).doesNotHaveDuplicates().hasSize(STATUS_LINES.size() + Drafts.draft(TOPIC).size() + 2);
		PlaywrightAssertions.assertThat(this.page.locator("#notice")).isHidden();
		if (transport.equals("sse")) {
			assertThat(this.connections).anyMatch((url) -> url.contains("/realtime/sse"));
		}
		else {
			assertThat(this.connections).anyMatch((url) -> url.endsWith("/realtime/ws"))
				.noneMatch((url) -> url.contains("/realtime/sse"));
		}
		screenshot(transport.equals("sse") ? "sample-page.png" : "sample-page-" + transport + ".png");
	}

	@ParameterizedTest
	@ValueSource(strings = { "sse", "websocket" })
	void whenConnectionIsCutMidRunThenPageResumesWithoutLossOrDuplicates(String transport) throws Exception {
		try (CuttableTcpProxy proxy = new CuttableTcpProxy(this.port)) {
			signInAsAlice(proxy.port());
			startRun(transport);
			ContentPipelineChannel channel = ContentPipelineChannel
				.of(this.page.locator("#channel").textContent().substring("pipeline:".length()));
			this.page.waitForFunction("() => document.getElementById('draft').textContent.length > 0");

			// cut while tokens stream; a few more are written while the page is away
			Mono<RealtimeMessage<String>> tokensWhileAway = this.subscriber.subscribe(channel.tokens())
				.skip(2)
				.next()
				.cache();
			tokensWhileAway.subscribe();
			proxy.cut();
			awaitReconnecting();
			tokensWhileAway.block(TIMEOUT);
			proxy.restore();
			PlaywrightAssertions.assertThat(connection()).hasAttribute("data-state", "open");
			String draftAfterFirstResume = this.page.locator("#draft").textContent();
			this.page.waitForFunction("(before) => document.getElementById('draft').textContent.length > before",
					draftAfterFirstResume.length());

			// cut again until the run has ended: its last status reaches the page only
			// from history
			Mono<RealtimeMessage<Status>> draftComplete = this.subscriber.subscribe(channel.status())
				.filter((message) -> message.data().message().equals("Draft complete"))
				.next()
				.cache();
			draftComplete.subscribe();
			proxy.cut();
			assertThat(statusLines()).as("the run must still be writing when the connection is cut again")
				.doesNotContain("Draft complete");
			awaitReconnecting();
			draftComplete.block(TIMEOUT);
			proxy.restore();
			PlaywrightAssertions.assertThat(connection()).hasAttribute("data-state", "open");
			PlaywrightAssertions.assertThat(this.page.locator("#statuses li").last()).containsText("Draft complete");

			assertThat(statusLines()).containsExactlyElementsOf(STATUS_LINES);
			assertThat(recordedIds()).doesNotHaveDuplicates();
			// the tokens streamed while away came in the snapshot of the draft
			PlaywrightAssertions.assertThat(this.page.locator("#draft")).hasText(DRAFT);
			// neither a stale connection problem nor a gap: the statuses missed while
			// away came from history
			PlaywrightAssertions.assertThat(this.page.locator("#notice")).isHidden();
			assertThat(recordedStates()).as("connection states")
				.containsSubsequence("open", "reconnecting", "open", "reconnecting", "open");
			screenshot("sample-page-reconnected-" + transport + ".png");
		}
	}

	@Test
	void whenAliceApprovesDraftThenRunCompletes() {
		signInAsAlice(this.port);
		this.page.locator("#topic").fill(TOPIC);
		this.page.locator("#approval").check();
		this.page.locator("#start-button").click();
		PlaywrightAssertions.assertThat(this.page.locator("#run-status")).hasAttribute("data-state", "running");
		PlaywrightAssertions.assertThat(this.page.locator("#approve")).isVisible();
		this.page.locator("#approval-comment").fill("Ship it");
		this.page.locator("#approve").click();
		PlaywrightAssertions.assertThat(this.page.locator("#approval-panel")).isHidden();
		PlaywrightAssertions.assertThat(this.page.locator("#run-status")).hasAttribute("data-state", "completed");
		PlaywrightAssertions.assertThat(this.page.locator("#result-panel")).isVisible();
		PlaywrightAssertions.assertThat(this.page.locator("#draft")).hasText(DRAFT);
		assertThat(statusLines()).containsSubsequence(STATUS_LINES).doesNotHaveDuplicates();
		PlaywrightAssertions.assertThat(this.page.locator("#start-button")).isEnabled();
	}

	@ParameterizedTest
	@ValueSource(strings = { "sse", "websocket" })
	void whenAliceCancelsTheRunMidDraftThenItEndsCancelledAndWritesNoMore(String transport) {
		signInAsAlice(this.port);
		startRun(transport);
		this.page.waitForFunction("() => document.getElementById('draft').textContent.length > 0");
		PlaywrightAssertions.assertThat(this.page.locator("#cancel-button")).isVisible();
		this.page.locator("#cancel-button").click();
		PlaywrightAssertions.assertThat(this.page.locator("#run-status")).hasAttribute("data-state", "cancelled");
		PlaywrightAssertions.assertThat(this.page.locator("#statuses li").last()).hasText("Run cancelled");
		PlaywrightAssertions.assertThat(this.page.locator("#cancel-button")).isHidden();
		PlaywrightAssertions.assertThat(this.page.locator("#start-button")).isEnabled();
		PlaywrightAssertions.assertThat(this.page.locator("#notice")).isHidden();
		String draft = this.page.locator("#draft").textContent();
		assertThat(draft).as("the run was cancelled while writing").isNotEmpty().isNotEqualTo(DRAFT);
		this.page.waitForTimeout(500);
		assertThat(this.page.locator("#draft").textContent()).as("no token after the cancel").isEqualTo(draft);
		assertThat(statusLines()).doesNotContain("Draft complete");
		assertThat(this.connections).anyMatch((url) -> url.matches(".*/realtime/runs/alice~[^/]+/cancel"));
		screenshot("sample-page-cancelled-" + transport + ".png");
	}

	@ParameterizedTest
	@ValueSource(strings = { "sse", "websocket" })
	void whenThePageIsReloadedMidDraftThenItReattachesToTheRunAndShowsTheWholeDraft(String transport) {
		signInAsAlice(this.port);
		startRun(transport);
		this.page.waitForFunction("(full) => { const text = document.getElementById('draft').textContent;"
				+ " return text.length > 0 && text.length < full.length; }", DRAFT);
		assertThat(this.page.url()).contains("?run=alice%7E").contains("transport=" + transport);
		this.page.reload();
		PlaywrightAssertions.assertThat(connection()).hasAttribute("data-state", "open");
		// at once the text so far, not only what is streamed after the reload
		this.page.waitForFunction("(full) => document.getElementById('draft').textContent.length > 0", DRAFT);
		assertThat(DRAFT).startsWith(this.page.locator("#draft").textContent());
		PlaywrightAssertions.assertThat(this.page.locator("#run-status")).hasAttribute("data-state", "completed");
		PlaywrightAssertions.assertThat(this.page.locator("#draft")).hasText(DRAFT);
		assertThat(statusLines()).containsExactlyElementsOf(STATUS_LINES);
		PlaywrightAssertions.assertThat(this.page.locator("#notice")).isHidden();
		screenshot("sample-page-reloaded-" + transport + ".png");
	}

	@ParameterizedTest
	@ValueSource(strings = { "sse", "websocket" })
	void whenThePageIsReloadedOnAnotherRedisNodeMidDraftThenItShowsTheWholeDraft(String transport) {
		assumeRedis();
		String prefix = "realtime-e2e:" + Long.toString(System.nanoTime(), 36) + ":";
		try (ConfigurableApplicationContext nodeA = startRedisNode(prefix);
				ConfigurableApplicationContext nodeB = startRedisNode(prefix)) {
			signInAsAlice(port(nodeA));
			startRun(transport);
			this.page.waitForFunction("(full) => { const text = document.getElementById('draft').textContent;"
					+ " return text.length > 0 && text.length < full.length; }", DRAFT);
			String query = this.page.url().substring(this.page.url().indexOf('?'));
			// the run goes on on node A; the page comes back on node B, which reads the
			// draft so far from Redis
			this.page.navigate("http://127.0.0.1:" + port(nodeB) + "/" + query);
			this.page.locator("#username").fill("alice");
			this.page.locator("#password").fill("alice");
			this.page.locator("button[type=submit]").click();
			PlaywrightAssertions.assertThat(connection()).hasAttribute("data-state", "open");
			assertThat(this.page.url()).startsWith("http://127.0.0.1:" + port(nodeB) + "/");
			PlaywrightAssertions.assertThat(this.page.locator("#run-status")).hasAttribute("data-state", "completed");
			PlaywrightAssertions.assertThat(this.page.locator("#draft")).hasText(DRAFT);
			assertThat(statusLines()).containsExactlyElementsOf(STATUS_LINES);
			PlaywrightAssertions.assertThat(this.page.locator("#notice")).isHidden();
		}
	}

	@ParameterizedTest
	@ValueSource(strings = { "sse", "websocket" })
	void whenBobOpensAlicesRunThenBothPagesShowWhoIsWatchingUntilBobLeaves(String transport) {
		signInAsAlice(this.port);
		this.page.locator("#topic").fill(TOPIC);
		this.page.locator("#transport").selectOption(transport);
		// the run waits for an approval, so that it is still running while Bob looks
		this.page.locator("#approval").check();
		this.page.locator("#start-button").click();
		PlaywrightAssertions.assertThat(this.page.locator("#approve")).isVisible();
		PlaywrightAssertions.assertThat(this.page.locator("#watchers li")).hasText(new String[] { "Alice" });
		String runLink = this.page.url();
		assertThat(runLink).contains("?run=alice%7E");
		try (BrowserContext bobContext = browser.newContext()) {
			Page bob = bobContext.newPage();
			bob.navigate(runLink);
			bob.locator("#username").fill("bob");
			bob.locator("#password").fill("bob");
			bob.locator("button[type=submit]").click();
			PlaywrightAssertions.assertThat(bob.locator("#user")).hasText("Signed in as bob");
			PlaywrightAssertions.assertThat(bob.locator("#channel"))
				.hasText(this.page.locator("#channel").textContent());
			for (Page page : List.of(this.page, bob)) {
				PlaywrightAssertions.assertThat(page.locator("#watchers li")).hasText(new String[] { "Alice", "Bob" });
				PlaywrightAssertions.assertThat(page.locator("#watcher-count")).hasText("2");
			}
			// Bob watches: the draft and its status, but no reply and no cancel
			PlaywrightAssertions.assertThat(bob.locator("#statuses li").first()).isVisible();
			PlaywrightAssertions.assertThat(bob.locator("#approval-panel")).isHidden();
			PlaywrightAssertions.assertThat(bob.locator("#cancel-button")).isHidden();
			PlaywrightAssertions.assertThat(bob.locator("#notice")).isHidden();
			screenshot("sample-page-watching-" + transport + ".png");
		}
		PlaywrightAssertions.assertThat(this.page.locator("#watchers li")).hasText(new String[] { "Alice" });
		PlaywrightAssertions.assertThat(this.page.locator("#watcher-count")).hasText("1");
		this.page.locator("#approve").click();
		PlaywrightAssertions.assertThat(this.page.locator("#run-status")).hasAttribute("data-state", "completed");
	}

	@Test
	void whenPageScriptHasNotRunYetThenControlsAreDisabledAndNothingSubmits() {
		// hold the page's script back: what a slow network or a click right after sign-in
		// sees
		List<Route> heldScripts = new ArrayList<>();
		this.page.route("**/app.js", heldScripts::add);
		this.page.navigate("http://127.0.0.1:" + this.port + "/");
		this.page.locator("#username").fill("alice");
		this.page.locator("#password").fill("alice");
		this.page.locator("button[type=submit]").click();
		this.page.waitForCondition(() -> !heldScripts.isEmpty());
		PlaywrightAssertions.assertThat(this.page.locator("#start-button")).isDisabled();
		PlaywrightAssertions.assertThat(this.page.locator("#topic")).isDisabled();
		PlaywrightAssertions.assertThat(this.page.locator("#logout-button")).isDisabled();
		this.page.locator("#start-button").click(new Locator.ClickOptions().setForce(true));
		this.page.keyboard().press("Enter");

		heldScripts.forEach(Route::resume);
		PlaywrightAssertions.assertThat(this.page.locator("#user")).hasText("Signed in as alice");
		PlaywrightAssertions.assertThat(this.page.locator("#start-button")).isEnabled();
		PlaywrightAssertions.assertThat(this.page.locator("#topic")).isEnabled();
		PlaywrightAssertions.assertThat(this.page.locator("#logout-button")).isEnabled();
		assertThat(this.page.url()).doesNotContain("topic=");
		assertThat(this.connections).noneMatch((url) -> url.contains("topic="));
		PlaywrightAssertions.assertThat(this.page.locator("#channel")).hasText("–");
	}

	private void signInAsAlice(int port) {
		this.page.navigate("http://127.0.0.1:" + port + "/");
		this.page.locator("#username").fill("alice");
		this.page.locator("#password").fill("alice");
		this.page.locator("button[type=submit]").click();
		PlaywrightAssertions.assertThat(this.page.locator("#user")).hasText("Signed in as alice");
		this.page.evaluate(RECORD_CHANGES);
	}

	private void startRun(String transport) {
		this.page.locator("#topic").fill(TOPIC);
		this.page.locator("#transport").selectOption(transport);
		this.page.locator("#approval").uncheck();
		this.page.locator("#start-button").click();
		PlaywrightAssertions.assertThat(this.page.locator("#channel")).containsText("pipeline:");
	}

	private static void assumeRedis() {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", 6379), 500);
		}
		catch (IOException ex) {
			String message = "Two-node tests need Redis on 127.0.0.1:6379";
			if (Boolean.getBoolean("realtime.test.redis.required")) {
				fail(message + ", and realtime.test.redis.required is true");
			}
			Assumptions.abort(message + "; skipped because realtime.test.redis.required is not true");
		}
	}

	// a node of the sample as its redis profile runs it, on a port of its own
	private static ConfigurableApplicationContext startRedisNode(String keyPrefix) {
		return new SpringApplicationBuilder(SampleApplication.class).profiles("redis")
			.run("--server.port=0", "--realtime.engine.redis.key-prefix=" + keyPrefix,
					"--REALTIME_TOKEN_SECRET=a-secret-the-two-nodes-share-32-bytes");
	}

	private static int port(ConfigurableApplicationContext node) {
		return node.getEnvironment().getRequiredProperty("local.server.port", Integer.class);
	}

	private Locator connection() {
		return this.page.locator("#connection");
	}

	private void awaitReconnecting() {
		PlaywrightAssertions.assertThat(connection())
			.hasAttribute("data-state", Pattern.compile("reconnecting|connecting"));
	}

	@SuppressWarnings("unchecked")
	private List<String> statusLines() {
		return (List<String>) this.page.evaluate(STATUS_TEXTS);
	}

	@SuppressWarnings("unchecked")
	private List<String> recordedIds() {
		return (List<String>) this.page.evaluate("() => window.e2e.ids");
	}

	@SuppressWarnings("unchecked")
	private List<String> recordedStates() {
		return (List<String>) this.page.evaluate("() => window.e2e.states");
	}

	private void screenshot(String name) {
		this.page.screenshot(new Page.ScreenshotOptions().setPath(Paths.get("target", "e2e", name)).setFullPage(true));
	}

}
