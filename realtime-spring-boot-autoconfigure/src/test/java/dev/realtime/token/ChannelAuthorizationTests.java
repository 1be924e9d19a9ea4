package dev.realtime.token;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.realtime.ChannelDefinition;
import dev.realtime.InvalidChannelDefinitionException;
import dev.realtime.RealtimeChannel;
import dev.realtime.Topic;
import dev.realtime.token.ChannelAuthorization.Decision;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;
import reactor.test.StepVerifier;

import org.springframework.beans.factory.support.DefaultListableBeanFactory;
import org.springframework.security.authentication.AnonymousAuthenticationToken;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.Authentication;
import org.springframework.security.core.authority.AuthorityUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ChannelAuthorization}.
 *
 * @author Realtime team
 */
class ChannelAuthorizationTests {

	private static final Authentication ALICE = new TestingAuthenticationToken("alice", "n/a", "ROLE_USER");

	private final TestChannelCatalog catalog = new TestChannelCatalog(Open.class, Owned.class, Runs.class,
			Replies.class, Cancellable.class, Broken.class, Unparsable.class, NotBoolean.class, Plain.class,
			Authenticated.class);

	private final ChannelAuthorization authorization = new ChannelAuthorization(List.of(), null);

	@Test
	void whenExpressionIsTrueThenGranted() {
		assertDecision(this.authorization, request(null, "open:1"), Decision.GRANTED);
	}

	@Test
	void whenExpressionIsFalseThenDenied() {
		assertDecision(this.authorization, request(ALICE, "owned:bob"), Decision.DENIED);
	}

	@Test
	void whenExpressionComparesParameterWithPrincipalThenParameterIsAVariable() {
		assertDecision(this.authorization, request(ALICE, "owned:alice"), Decision.GRANTED);
		assertDecision(this.authorization, request(null, "owned:alice"), Decision.DENIED);
	}

	@Test
	void whenExpressionChecksTopicsThenRequestedTopicsAreVariables() {
		assertDecision(this.authorization, request(ALICE, "replies:1", Set.of("status"), Set.of()), Decision.GRANTED);
		assertDecision(this.authorization, request(ALICE, "replies:1", Set.of("status"), Set.of("approval")),
				Decision.DENIED);
	}

	@Test
	void whenExpressionUsesIsAuthenticatedThenAnonymousCallersAreDenied() {
		Authentication anonymous = new AnonymousAuthenticationToken("key", "anonymous",
				AuthorityUtils.createAuthorityList("ROLE_ANONYMOUS"));
		assertDecision(this.authorization, request(ALICE, "authenticated:1"), Decision.GRANTED);
		assertDecision(this.authorization, request(anonymous, "authenticated:1"), Decision.DENIED);
		assertDecision(this.authorization, request(null, "authenticated:1"), Decision.DENIED);
	}

	@Test
	void whenExpressionReferencesBeanThenBeanDecidesOnABoundedElasticThread() {
		DefaultListableBeanFactory beanFactory = new DefaultListableBeanFactory();
		RunOwners owners = new RunOwners();
		beanFactory.registerSingleton("runs", owners);
		ChannelAuthorization authorization = new ChannelAuthorization(List.of(), beanFactory);
		assertDecision(authorization, request(ALICE, "runs:run-alice"), Decision.GRANTED);
		assertDecision(authorization, request(ALICE, "runs:run-bob"), Decision.DENIED);
		assertThat(owners.threads).allMatch((thread) -> thread.startsWith("boundedElastic-"));
	}

	@Test
	void whenBeanReferenceHasNoBeanFactoryThenDenied() {
		assertDecision(this.authorization, request(ALICE, "runs:run-alice"), Decision.DENIED);
	}

	@Test
	void whenExpressionFailsThenDenied() {
		assertDecision(this.authorization, request(ALICE, "broken:1"), Decision.DENIED);
	}

	@Test
	void whenRuleOfACheckedChannelIsNotValidSpelThenCreationFailsNamingChannelAndRule() {
		assertThatExceptionOfType(InvalidChannelDefinitionException.class)
			.isThrownBy(() -> new ChannelAuthorization(List.of(), null, this.catalog.definitions()))
			.withMessageStartingWith("Invalid @RealtimeChannel " + Unparsable.class.getName()
					+ ": its authorize rule \"principal ==\" is not a valid SpEL expression: ")
			.withMessageContaining("EL1");
	}

	@Test
	void whenRulesOfCheckedChannelsAreValidSpelThenCreationSucceeds() {
		ChannelAuthorization authorization = new ChannelAuthorization(List.of(), null,
				List.of(ChannelDefinition.of(Open.class), ChannelDefinition.of(Plain.class)));
		assertDecision(authorization, request(null, "open:1"), Decision.GRANTED);
	}

	@Test
	void whenRuleOfAnUncheckedChannelCannotBeParsedThenDenied() {
		assertDecision(this.authorization, request(ALICE, "unparsable:1"), Decision.DENIED);
	}

	@Test
	void whenExpressionIsNotBooleanThenDenied() {
		assertDecision(this.authorization, request(ALICE, "not-boolean:1"), Decision.DENIED);
	}

	@Test
	void whenChannelHasExpressionThenAuthorizersAreNotAsked() {
		List<String> asked = new ArrayList<>();
		ChannelAuthorization authorization = new ChannelAuthorization(List.of(recording(asked, "a", true)), null);
		assertDecision(authorization, request(ALICE, "owned:bob"), Decision.DENIED);
		assertThat(asked).isEmpty();
	}

	@Test
	void whenNoExpressionThenAuthorizersAreAskedInOrderUntilOneDecides() {
		List<String> asked = new ArrayList<>();
		ChannelAuthorization authorization = new ChannelAuthorization(List.of(recording(asked, "first", null),
				recording(asked, "second", false), recording(asked, "third", true)), null);
		assertDecision(authorization, request(ALICE, "plain:1"), Decision.DENIED);
		assertThat(asked).containsExactly("first", "second");
	}

	@Test
	void whenAnAuthorizerGrantsThenGranted() {
		List<String> asked = new ArrayList<>();
		ChannelAuthorization authorization = new ChannelAuthorization(
				List.of(recording(asked, "first", null), recording(asked, "second", true)), null);
		assertDecision(authorization, request(ALICE, "plain:1"), Decision.GRANTED);
	}

	@Test
	void whenNoAuthorizerDecidesThenNoRule() {
		List<String> asked = new ArrayList<>();
		ChannelAuthorization authorization = new ChannelAuthorization(
				List.of(recording(asked, "first", null), recording(asked, "second", null)), null);
		assertDecision(authorization, request(ALICE, "plain:1"), Decision.NO_RULE);
		assertThat(asked).containsExactly("first", "second");
	}

	@Test
	void whenNoAuthorizerAtAllThenNoRule() {
		assertDecision(this.authorization, request(ALICE, "plain:1"), Decision.NO_RULE);
	}

	@Test
	void whenExpressionChecksCancelThenTheCancelGrantIsAVariable() {
		assertDecision(this.authorization, request(ALICE, "cancellable:bob"), Decision.GRANTED);
		assertDecision(this.authorization, cancelRequest(ALICE, "cancellable:bob"), Decision.DENIED);
		assertDecision(this.authorization, cancelRequest(ALICE, "cancellable:alice"), Decision.GRANTED);
	}

	@Test
	void whenNoExpressionThenAuthorizersSeeTheCancelGrant() {
		ChannelAuthorization authorization = new ChannelAuthorization(
				List.of((request) -> Mono.just(!request.cancel())), null);
		assertDecision(authorization, request(ALICE, "plain:1"), Decision.GRANTED);
		assertDecision(authorization, cancelRequest(ALICE, "plain:1"), Decision.DENIED);
	}

	@Test
	void whenNoRuleThenMessageSaysHowToDeclareOne() {
		assertThat(ChannelAuthorization.NO_RULE_MESSAGE).contains("@RealtimeChannel(authorize = \"...\")")
			.contains("ChannelAuthorizer bean");
	}

	private ChannelAccessRequest request(@Nullable Authentication authentication, String channel) {
		return request(authentication, channel, Set.of(), Set.of());
	}

	private ChannelAccessRequest request(@Nullable Authentication authentication, String channel, Set<String> topics,
			Set<String> publish) {
		return new ChannelAccessRequest(authentication, this.catalog.resolve(channel), topics, publish);
	}

	private ChannelAccessRequest cancelRequest(Authentication authentication, String channel) {
		return new ChannelAccessRequest(authentication, this.catalog.resolve(channel), Set.of(), Set.of(), true);
	}

	private static void assertDecision(ChannelAuthorization authorization, ChannelAccessRequest request,
			Decision decision) {
		StepVerifier.create(authorization.authorize(request))
			.expectNext(decision)
			.expectComplete()
			.verify(Duration.ofSeconds(5));
	}

	private static ChannelAuthorizer recording(List<String> asked, String name, @Nullable Boolean decision) {
		return (request) -> {
			asked.add(name);
			return Mono.justOrEmpty(decision);
		};
	}

	public static class RunOwners {

		final List<String> threads = new CopyOnWriteArrayList<>();

		public boolean isOwner(Authentication authentication, String runId) {
			this.threads.add(Thread.currentThread().getName());
			return runId.equals("run-" + authentication.getName());
		}

	}

	@RealtimeChannel(name = "open:{id}", authorize = "true")
	interface Open {

		Topic<String> status();

	}

	@RealtimeChannel(name = "owned:{owner}", authorize = "principal == #owner")
	interface Owned {

		Topic<String> status();

	}

	@RealtimeChannel(name = "runs:{runId}", authorize = "@runs.isOwner(authentication, #runId)")
	interface Runs {

		Topic<String> status();

	}

	@RealtimeChannel(name = "replies:{id}", authorize = "#topics.contains('status') && #publish.isEmpty()")
	interface Replies {

		Topic<String> status();

		Topic<Boolean> approval();

	}

	@RealtimeChannel(name = "cancellable:{owner}", authorize = "!#cancel or principal == #owner")
	interface Cancellable {

		Topic<String> status();

	}

	@RealtimeChannel(name = "authenticated:{id}", authorize = "authenticated")
	interface Authenticated {

		Topic<String> status();

	}

	@RealtimeChannel(name = "broken:{id}", authorize = "#missing.call()")
	interface Broken {

		Topic<String> status();

	}

	@RealtimeChannel(name = "unparsable:{id}", authorize = "principal ==")
	interface Unparsable {

		Topic<String> status();

	}

	@RealtimeChannel(name = "not-boolean:{id}", authorize = "'yes'")
	interface NotBoolean {

		Topic<String> status();

	}

	@RealtimeChannel("plain:{id}")
	interface Plain {

		Topic<String> status();

	}

}
