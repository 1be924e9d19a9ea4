package dev.realtime.guide;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

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

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Follows the README's five-minute guide as a new user would: the application of this
 * module is the guide's code with Spring Security's defaults (form login, CSRF
 * protection), and a real headless Chromium signs in, starts a run and watches it through
 * {@code /realtime/client.js}.
 * <p>
 * Needs Chromium at {@code /usr/bin/chromium}; without it the tests are skipped, unless
 * {@code -Drealtime.test.browser.required=true} makes them fail.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "spring.security.user.name=alice", "spring.security.user.password=alice" })
class GuideBrowserTests {

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

	private BrowserContext context;

	private Page page;

	private final List<String> warnings = new CopyOnWriteArrayList<>();

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
	}

	@AfterEach
	void closePage() {
		this.context.close();
	}

	@Test
	void whenUserFollowsGuideThenPageReceivesPublishedMessages() {
		signIn();
		this.page.locator("#start").click();
		PlaywrightAssertions.assertThat(this.page.locator("#connection")).hasText("open");
		PlaywrightAssertions.assertThat(this.page.locator("#statuses li"))
			.hasText(new String[] { "Researching", "Writing" });
		PlaywrightAssertions.assertThat(this.page.locator("#draft")).hasText("Hello, realtime!");
		PlaywrightAssertions.assertThat(this.page.locator("#run")).hasText("completed");
		assertThat(recordedStates()).startsWith("connecting", "open").doesNotContain("reconnecting", "error");
		assertThat(this.warnings).isEmpty();
	}

	@Test
	void whenTokenEndpointAnswers403ThenPageShowsErrorInsteadOfReconnecting() {
		// what the README's earlier token function did: no CSRF header, so Spring
		// Security
		// answers 403 text/plain
		AtomicInteger tokenRequests = new AtomicInteger();
		this.page.route("**/realtime/token", (route) -> {
			tokenRequests.incrementAndGet();
			Map<String, String> headers = new HashMap<>(route.request().headers());
			headers.remove("x-xsrf-token");
			route.resume(new Route.ResumeOptions().setHeaders(headers));
		});
		signIn();
		this.page.locator("#start").click();
		PlaywrightAssertions.assertThat(this.page.locator("#connection")).hasText("error");
		// longer than the first reconnect delays: nothing retries
		this.page.waitForTimeout(2500);
		PlaywrightAssertions.assertThat(this.page.locator("#connection")).hasText("error");
		assertThat(recordedStates()).containsExactly("connecting", "error");
		assertThat(tokenRequests).hasValue(1);
		assertThat(this.warnings).singleElement().asString().startsWith("realtime 403");
	}

	private void signIn() {
		this.page.navigate("http://127.0.0.1:" + this.port + "/");
		this.page.locator("#username").fill("alice");
		this.page.locator("#password").fill("alice");
		this.page.locator("button[type=submit]").click();
		PlaywrightAssertions.assertThat(this.page.locator("#start")).isEnabled();
		this.page.evaluate(RECORD_STATES);
	}

	@SuppressWarnings("unchecked")
	private List<String> recordedStates() {
		return (List<String>) this.page.evaluate("() => window.states");
	}

}
