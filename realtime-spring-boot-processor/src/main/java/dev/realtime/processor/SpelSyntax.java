package dev.realtime.processor;

import java.util.ArrayDeque;
import java.util.Deque;

import org.jspecify.annotations.Nullable;

/**
 * Finds the syntax errors of a SpEL expression that the processor can see without SpEL
 * itself (it depends on the JDK only): unterminated string literals and unbalanced
 * brackets. Start-up parses each rule with SpEL and reports everything else.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class SpelSyntax {

	private static final String OPENING = "([{";

	private static final String CLOSING = ")]}";

	private SpelSyntax() {
	}

	/**
	 * Describe the first syntax error of an expression.
	 * @param expression a SpEL expression
	 * @return what is wrong, or {@code null} if nothing this check knows of
	 */
	static @Nullable String problem(String expression) {
		Deque<Integer> open = new ArrayDeque<>();
		int i = 0;
		while (i < expression.length()) {
			char c = expression.charAt(i);
			if (c == '\'' || c == '"') {
				int end = SpelVariables.endOfString(expression, i, c);
				if (end == -1) {
					return "the string literal at position " + i + " is not terminated";
				}
				i = end;
				continue;
			}
			if (OPENING.indexOf(c) >= 0) {
				open.push(i);
			}
			else if (CLOSING.indexOf(c) >= 0) {
				if (open.isEmpty()) {
					return "'" + c + "' at position " + i + " closes nothing";
				}
				int start = open.pop();
				char expected = CLOSING.charAt(OPENING.indexOf(expression.charAt(start)));
				if (c != expected) {
					return "'" + c + "' at position " + i + " does not match '" + expression.charAt(start)
							+ "' at position " + start;
				}
			}
			i++;
		}
		if (!open.isEmpty()) {
			int start = open.pop();
			return "'" + expression.charAt(start) + "' at position " + start + " is not closed";
		}
		return null;
	}

}
