package dev.realtime.guide.mvc;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

import com.microsoft.playwright.APIResponse;
import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Playwright;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.assertions.PlaywrightAssertions;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.boot.tomcat.TomcatWebServer;
import org.springframework.boot.web.server.servlet.context.ServletWebServerApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Follows the README's five-minute guide on Spring MVC as a new user would: the
 * application of this module is the guide's code on Tomcat with Spring Security's
 * defaults (form login, CSRF protection), and a real headless Chromium signs in, starts a
 * run and watches it through {@code /realtime/client.js}, over SSE (the client's default)
 * and over WebSocket.
 * <p>
 * Needs Chromium at {@code /usr/bin/chromium}; without it the tests are skipped, unless
 * {@code -Drealtime.test.browser.required=true} makes them fail.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.security.user.name=alice", "spring.security.user.password=alice" })
class GuideMvcBrowserTests {

	private static final Path CHROMIUM = Paths.get("/usr/bin/chromium");

	private static final Duration TIMEOUT = Duration.ofSeconds(10);

	// every state the connection output shows, however briefly
	private static final String RECORD_STATES = """
			() => {
			  window.states = [];
			  const output = document.getElementById('connection');
			  new MutationObserver(() => window.states.push(output.textContent))
			    .observe(output, { childList: true, characterData: true, subtree: true });
			}""";

	private static Playwright playwright;

	private static Browser browser;

	@LocalServerPort
	private int port;

	@Autowired
	private ServletWebServerApplicationContext applicationContext;

	private BrowserContext context;

	private Page page;

	private final List<String> warnings = new CopyOnWriteArrayList<>();

	private final List<String> requests = new CopyOnWriteArrayList<>();

	private final List<String> webSockets = new CopyOnWriteArrayList<>();

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
		this.context = browser.newContext();
		this.context.setDefaultTimeout(TIMEOUT.toMillis());
		this.page = this.context.newPage();
		this.page.onConsoleMessage((message) -> {
			if (message.type().equals("warning")) {
				this.warnings.add(message.text());
			}
		});
		this.page.onRequest((request) -> this.requests.add(request.url()));
		this.page.onWebSocket((socket) -> this.webSockets.add(socket.url()));
	}

	@AfterEach
	void closePage() {
		this.context.close();
	}

	@Test
	void whenUserFollowsGuideThenPageReceivesPublishedMessagesOverSse() {
		assertServedByTomcat();
		signIn();
		recordStates();
		startRunAndWatchItComplete();
		assertThat(this.requests).anyMatch((url) -> url.contains("/realtime/sse"));
		assertThat(this.webSockets).isEmpty();
	}

	@Test
	void whenClientDefaultsToWebSocketThenPageReceivesPublishedMessages() {
		assertServedByTomcat();
		// the guide's page as it is, with a client whose default transport is WebSocket:
		// a page the test changed would be a page the test served, which Chromium's
		// local network access checks do not let open a WebSocket to this server
		AtomicInteger clientsChanged = new AtomicInteger();
		this.page.route("**/realtime/client.js", (route) -> {
			APIResponse response = route.fetch();
			String client = response.text();
			String changed = client.replace("options.transport ?? 'sse'", "options.transport ?? 'websocket'");
			if (!changed.equals(client)) {
				clientsChanged.incrementAndGet();
			}
			route.fulfill(new Route.FulfillOptions().setResponse(response).setBody(changed));
		});
		signIn();
		assertThat(clientsChanged).as("clients served with WebSocket as their default transport").hasValue(1);
		recordStates();
		startRunAndWatchItComplete();
		assertThat(this.webSockets).anyMatch((url) -> url.endsWith("/realtime/ws"));
		assertThat(this.requests).noneMatch((url) -> url.contains("/realtime/sse"));
	}

	private void assertServedByTomcat() {
		assertThat(this.applicationContext.getWebServer()).isInstanceOf(TomcatWebServer.class);
	}

	private void signIn() {
		this.page.navigate("http://127.0.0.1:" + this.port + "/");
		this.page.locator("#username").fill("alice");
		this.page.locator("#password").fill("alice");
		this.page.locator("button[type=submit]").click();
		PlaywrightAssertions.assertThat(this.page.locator("#start")).isEnabled();
	}

	private void recordStates() {
		this.page.evaluate(RECORD_STATES);
	}

	private void startRunAndWatchItComplete() {
		this.page.locator("#start").click();
		PlaywrightAssertions.assertThat(this.page.locator("#connection")).hasText("open");
		PlaywrightAssertions.assertThat(this.page.locator("#statuses li"))
			.hasText(new String[] { "Researching", "Writing" });
		PlaywrightAssertions.assertThat(this.page.locator("#draft")).hasText("Hello, realtime!");
		PlaywrightAssertions.assertThat(this.page.locator("#run")).hasText("completed");
		assertThat(recordedStates()).startsWith("connecting", "open").doesNotContain("reconnecting", "error");
		assertThat(this.warnings).isEmpty();
	}

	@SuppressWarnings("unchecked")
	private List<String> recordedStates() {
		return (List<String>) this.page.evaluate("() => window.states");
	}

}
