package dev.realtime.processor;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the compile-time checks of {@link RealtimeChannelProcessor}: each error names
 * the interface and points at the element to change.
 *
 * @author Realtime team
 */
class ChannelCheckTests {

	private static final String PREFIX = "Invalid @RealtimeChannel com.example.Foo: ";

	@TempDir
	Path directory;

	private TestCompiler.Compilation compile(String declaration) {
		return TestCompiler.compile(this.directory, """
				package com.example;

				import dev.realtime.RealtimeChannel;
				import dev.realtime.Topic;

				""" + declaration);
	}

	private void assertSingleError(TestCompiler.Compilation compilation, String reason, String pointedAt) {
		assertThat(compilation.success()).isFalse();
		assertThat(compilation.errors()).containsExactly(PREFIX + reason);
		assertThat(compilation.at(PREFIX + reason)).startsWith(pointedAt);
	}

	@Test
	void whenAnnotatedTypeIsAClassThenErrorAsksForAnInterface() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public class Foo {
				}
				""");
		assertSingleError(compilation,
				"@RealtimeChannel goes on an interface, not on a class; declare Foo as an interface",
				"@RealtimeChannel(\"foo:{id}\")");
	}

	@Test
	void whenAnnotatedTypeIsAnAnnotationThenErrorAsksForAnInterface() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public @interface Foo {
				}
				""");
		assertSingleError(compilation,
				"@RealtimeChannel goes on an interface, not on an annotation type; declare Foo as an interface",
				"@RealtimeChannel(\"foo:{id}\")");
	}

	@Test
	void whenFirstSegmentIsAPlaceholderThenErrorPointsAtTemplate() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("{id}:foo")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation, "invalid template '{id}:foo': the first segment must be a literal, not a "
				+ "placeholder; declare it like @RealtimeChannel(\"pipeline:{runId}\")", "\"{id}:foo\"");
	}

	@Test
	void whenSegmentIsNotLowerCaseThenErrorPointsAtTemplate() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(name = "Foo:{id}")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation,
				"invalid template 'Foo:{id}': segment 'Foo' must be a literal of lower-case "
						+ "letters, digits, '.', '_' or '-' (at most 64) or a whole {placeholder}; declare it like "
						+ "@RealtimeChannel(\"pipeline:{runId}\")",
				"\"Foo:{id}\"");
	}

	@Test
	void whenPlaceholderIsRepeatedThenErrorPointsAtTemplate() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}:{id}")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation, "invalid template 'foo:{id}:{id}': placeholder 'id' appears twice; declare "
				+ "it like @RealtimeChannel(\"pipeline:{runId}\")", "\"foo:{id}:{id}\"");
	}

	@Test
	void whenTemplateIsMissingThenErrorPointsAtAnnotation() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation, "invalid template '': the template is empty; declare it like "
				+ "@RealtimeChannel(\"pipeline:{runId}\")", "@RealtimeChannel");
	}

	@Test
	void whenMethodTakesParametersThenErrorPointsAtMethod() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					Topic<String> status(int attempt);
				}
				""");
		assertSingleError(compilation, "method status() must not take parameters", "status(int attempt);");
	}

	@Test
	void whenMethodReturnsNeitherTopicNorStringThenErrorPointsAtMethod() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					Topic<String> status();
					int count();
				}
				""");
		assertSingleError(compilation, "method count() must return Topic<T> (or String for a placeholder)", "count();");
	}

	@Test
	void whenTopicIsRawThenErrorPointsAtMethod() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					@SuppressWarnings("rawtypes")
					Topic status();
				}
				""");
		assertSingleError(compilation, "method status() must return Topic<T> with a payload type, not a raw Topic",
				"status();");
	}

	@Test
	void whenTopicHasAWildcardThenErrorPointsAtMethod() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					Topic<? extends Number> status();
				}
				""");
		assertSingleError(compilation,
				"method status() must name a concrete payload type, not ? extends java.lang.Number", "status();");
	}

	@Test
	void whenTopicHasATypeVariableThenErrorPointsAtMethod() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					<T> Topic<T> status();
				}
				""");
		assertSingleError(compilation, "method status() must name a concrete payload type, not T", "status();");
	}

	@Test
	void whenInheritedTopicHasATypeVariableThenErrorPointsAtInheritedMethod() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				interface Base<T> {
					dev.realtime.Topic<T> status();
				}
				""", """
				package com.example;

				@dev.realtime.RealtimeChannel("foo:{id}")
				interface Foo extends Base<String> {
				}
				""");
		assertSingleError(compilation, "method status() must name a concrete payload type, not T", "status();");
	}

	@Test
	void whenStringMethodNamesNoPlaceholderThenErrorPointsAtMethod() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					Topic<String> status();
					String runId();
				}
				""");
		assertSingleError(compilation,
				"method runId() names unknown placeholder 'runId': the template 'foo:{id}' has [id]", "runId();");
	}

	@Test
	void whenMethodClashesWithGeneratedMemberThenErrorPointsAtMethod() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					Topic<String> name();
				}
				""");
		assertSingleError(compilation, "method name() clashes with a member of the generated channel class "
				+ "(name(), definition(), parameters(), DEFINITION, of(...)); rename it", "name();");
	}

	@Test
	void whenPlaceholderIsAJavaKeywordThenErrorNamesIt() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{class}")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation, "placeholder 'class' is a Java keyword and cannot name a parameter of the "
				+ "generated factory; rename it", "@RealtimeChannel(\"foo:{class}\")");
	}

	@Test
	void whenTopicNameStartsWithDollarThenErrorSaysItIsReserved() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					Topic<String> status();
					Topic<String> $run();
				}
				""");
		assertSingleError(compilation, "topic name '$run' is reserved: names starting with '$' belong to the runtime "
				+ "(such as '$run'); rename the method", "$run();");
	}

	@Test
	void whenStreamTopicIsATopicOfStringThenItCompiles() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					@dev.realtime.TopicOptions(stream = true) Topic<String> tokens();
				}
				""");
		assertThat(compilation.success()).isTrue();
		assertThat(compilation.diagnostics()).isEmpty();
	}

	@Test
	void whenStreamTopicIsNotATopicOfStringThenErrorPointsAtMethod() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					Topic<String> status();
					@dev.realtime.TopicOptions(stream = true)
					Topic<java.util.List<String>> tokens();
				}
				""");
		assertSingleError(compilation, "stream topic tokens() must be a Topic<String>: each message is a chunk of "
				+ "its text, not java.util.List<java.lang.String>", "tokens();");
	}

	@Test
	void whenStreamTopicCarriesARecordThenErrorNamesItsCanonicalName() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					@dev.realtime.TopicOptions(stream = true)
					Topic<Chunk> tokens();
					record Chunk(String text) {}
				}
				""");
		assertSingleError(compilation, "stream topic tokens() must be a Topic<String>: each message is a chunk of "
				+ "its text, not com.example.Foo.Chunk", "tokens();");
	}

	@Test
	void whenStreamTopicAlsoKeepsHistoryThenErrorPointsAtHistory() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					@dev.realtime.TopicOptions(stream = true, history = true)
					Topic<String> tokens();
				}
				""");
		assertSingleError(compilation,
				"stream topic tokens() keeps its accumulated text, not its chunks: remove history = true", "true)");
	}

	@Test
	void whenStreamTopicDeclaresHistoryFalseThenItCompiles() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					@dev.realtime.TopicOptions(history = false, stream = true) Topic<String> tokens();
				}
				""");
		assertThat(compilation.success()).isTrue();
		assertThat(compilation.diagnostics()).isEmpty();
	}

	@Test
	void whenTopicIsNoStreamThenItsPayloadTypeAndHistoryAreFree() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					@dev.realtime.TopicOptions(stream = false, history = true) Topic<Integer> count();
				}
				""");
		assertThat(compilation.success()).isTrue();
		assertThat(compilation.diagnostics()).isEmpty();
	}

	@Test
	void whenInterfaceDeclaresNoTopicThenErrorPointsAtInterface() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					String id();
				}
				""");
		assertSingleError(compilation, "it declares no Topic<T> method; add one such as Topic<Status> status()",
				"interface Foo {");
	}

	@Test
	void whenInterfaceIsGenericThenErrorPointsAtInterface() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo<T> {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation,
				"it must not declare type parameters; name the payload types in its Topic<T> methods",
				"interface Foo<T> {");
	}

	@Test
	void whenTwoSuperInterfacesDeclareTheSameTopicWithOtherTypesThenErrorNamesBoth() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				interface First {
					dev.realtime.Topic<String> status();
				}
				""", """
				package com.example;

				interface Second {
					dev.realtime.Topic<Integer> status();
				}
				""", """
				package com.example;

				@dev.realtime.RealtimeChannel("foo:{id}")
				interface Foo extends First, Second {
				}
				""");
		String reason = "topic 'status' is declared twice, by com.example.First.status() and "
				+ "com.example.Second.status(); rename one of them";
		assertThat(compilation.errors()).contains(PREFIX + reason);
		assertThat(compilation.at(PREFIX + reason)).startsWith("interface Foo extends First, Second {");
	}

	@Test
	void whenTwoSuperInterfacesDeclareTheSameTopicWithTheSameTypeThenItIsOneTopic() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				interface First {
					dev.realtime.Topic<String> status();
				}
				""", """
				package com.example;

				interface Second {
					dev.realtime.Topic<String> status();
				}
				""", """
				package com.example;

				@dev.realtime.RealtimeChannel("foo:{id}")
				interface Foo extends First, Second {
				}
				""");
		assertThat(compilation.errors()).isEmpty();
		assertThat(compilation.read("META-INF/realtime/channels.json")).containsOnlyOnce("\"name\": \"status\"");
	}

	@Test
	void whenAuthorizeRefersToUnknownVariableThenErrorPointsAtAuthorize() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", authorize = "#user == #id")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation,
				"unknown placeholder '#user' in authorize: the template 'foo:{id}' has [id]; "
						+ "other variables are #topics, #publish, #cancel, #presence and #authentication",
				"\"#user == #id\"");
	}

	@Test
	void whenAuthorizeHasAnUnclosedParenthesisThenErrorPointsAtAuthorize() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", authorize = "@runs.isOwner(authentication, #id")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation, "authorize is not a valid SpEL expression: '(' at position 13 is not closed",
				"\"@runs.isOwner(authentication, #id\"");
	}

	@Test
	void whenAuthorizeHasMismatchedBracketsThenErrorNamesBoth() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", authorize = "#topics[0) == #id")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation,
				"authorize is not a valid SpEL expression: ')' at position 9 does not " + "match '[' at position 7",
				"\"#topics[0) == #id\"");
	}

	@Test
	void whenAuthorizeHasAnUnterminatedStringThenErrorPointsAtAuthorize() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", authorize = "#id == 'alice")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation,
				"authorize is not a valid SpEL expression: the string literal at position 7 is not terminated",
				"\"#id == 'alice\"");
	}

	@Test
	void whenAuthorizeRefersToTheCancelGrantThenItCompiles() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", authorize = "!#cancel or #id == authentication.name")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertThat(compilation.diagnostics()).isEmpty();
	}

	@Test
	void whenAuthorizeRefersToThePresenceGrantOfAPresenceChannelThenItCompiles() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", presence = true,
						authorize = "!#presence or @members.isMember(authentication, #id)")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertThat(compilation.diagnostics()).isEmpty();
	}

	@Test
	void whenAuthorizeRefersToPresenceButChannelDoesNotTrackPresenceThenErrorPointsAtAuthorize() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", authorize = "!#presence and #id == authentication.name")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation,
				"authorize refers to #presence, but the channel does not track presence: add presence = true",
				"\"!#presence and #id == authentication.name\"");
	}

	@Test
	void whenAuthorizeRefersToPresenceAndChannelDeclaresPresenceFalseThenErrorPointsAtAuthorize() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", presence = false, authorize = "#presence and #id == 'a'")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertSingleError(compilation,
				"authorize refers to #presence, but the channel does not track presence: add presence = true",
				"\"#presence and #id == 'a'\"");
	}

	@Test
	void whenAuthorizeMentionsPresenceOnlyInAStringLiteralThenChannelNeedsNoPresence() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", authorize = "#id != '#presence'")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertThat(compilation.diagnostics()).isEmpty();
	}

	@Test
	void whenAuthorizeHasBracketsInsideStringsThenTheyAreIgnored() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", authorize = "#id != ')(' and #id != 'it''s ['")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertThat(compilation.diagnostics()).isEmpty();
	}

	@Test
	void whenAuthorizeRefersToNoPlaceholderThenWarningPointsAtAuthorize() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", authorize = "authentication != null && #topics.size() < 3")
				public interface Foo {
					Topic<String> status();
				}
				""");
		String warning = PREFIX + "unused placeholder: authorize refers to none of [id] of 'foo:{id}'; a rule that "
				+ "ignores the channel parameters usually grants too much (refer to #id)";
		assertThat(compilation.success()).isTrue();
		assertThat(compilation.messages(javax.tools.Diagnostic.Kind.WARNING)).containsExactly(warning);
		assertThat(compilation.at(warning)).startsWith("\"authentication != null");
	}

	@Test
	void whenAuthorizeMentionsVariablesOnlyInStringLiteralsThenTheyAreIgnored() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel(value = "foo:{id}", authorize = "#id != '#other' and #authentication.name != \\"#x\\"")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertThat(compilation.diagnostics()).isEmpty();
	}

	@Test
	void whenPlaceholderIsUnusedAndThereIsNoAuthorizeThenThereIsNoDiagnostic() {
		TestCompiler.Compilation compilation = compile("""
				@RealtimeChannel("foo:{id}")
				public interface Foo {
					Topic<String> status();
				}
				""");
		assertThat(compilation.diagnostics()).isEmpty();
	}

	@Test
	void whenTemplatesOverlapThenErrorOnBothNamesTheOther() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				@dev.realtime.RealtimeChannel("foo:{id}:status")
				interface Foo {
					dev.realtime.Topic<String> status();
				}
				""", """
				package com.example;

				@dev.realtime.RealtimeChannel("foo:run:{step}")
				interface Bar {
					dev.realtime.Topic<String> status();
				}
				""");
		String onFoo = PREFIX + "template 'foo:{id}:status' overlaps template 'foo:run:{step}' of com.example.Bar: "
				+ "a channel name could match both; make a literal segment differ";
		String onBar = "Invalid @RealtimeChannel com.example.Bar: template 'foo:run:{step}' overlaps template "
				+ "'foo:{id}:status' of com.example.Foo: a channel name could match both; make a literal segment differ";
		assertThat(compilation.errors()).containsExactlyInAnyOrder(onFoo, onBar);
		assertThat(compilation.at(onFoo)).startsWith("\"foo:{id}:status\"");
		assertThat(compilation.at(onBar)).startsWith("\"foo:run:{step}\"");
	}

	@Test
	void whenTemplatesAreEqualThenErrorOnBothNamesTheOther() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				@dev.realtime.RealtimeChannel("foo:{id}")
				interface Foo {
					dev.realtime.Topic<String> status();
				}
				""", """
				package com.example;

				@dev.realtime.RealtimeChannel("foo:{other}")
				interface Bar {
					dev.realtime.Topic<String> status();
					int broken();
				}
				""");
		assertThat(compilation.errors()).contains(PREFIX + "template 'foo:{id}' overlaps template 'foo:{other}' of "
				+ "com.example.Bar: a channel name could match both; make a literal segment differ");
	}

	@Test
	void whenTemplatesAreIdenticalThenErrorSaysSo() {
		TestCompiler.Compilation compilation = TestCompiler.compile(this.directory, """
				package com.example;

				@dev.realtime.RealtimeChannel("foo:{id}")
				interface Foo {
					dev.realtime.Topic<String> status();
				}
				""", """
				package com.example;

				@dev.realtime.RealtimeChannel("foo:{id}")
				interface Bar {
					dev.realtime.Topic<String> status();
				}
				""");
		assertThat(compilation.errors()).contains(PREFIX + "template 'foo:{id}' is also declared by com.example.Bar: "
				+ "a channel name could match both; make a literal segment differ");
	}

}
