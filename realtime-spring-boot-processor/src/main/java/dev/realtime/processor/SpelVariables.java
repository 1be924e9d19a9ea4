package dev.realtime.processor;

import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Finds the {@code #variable} references of a SpEL expression, skipping string literals.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class SpelVariables {

	private SpelVariables() {
	}

	/**
	 * Return the names of the variables an expression refers to, in order of appearance.
	 * @param expression a SpEL expression
	 * @return the variable names, without {@code #}
	 */
	static Set<String> of(String expression) {
		Set<String> names = new LinkedHashSet<>();
		int i = 0;
		while (i < expression.length()) {
			char c = expression.charAt(i);
			if (c == '\'' || c == '"') {
				i = endOfString(expression, i, c);
			}
			else if (c == '#' && i + 1 < expression.length()
					&& Character.isJavaIdentifierStart(expression.charAt(i + 1))) {
				int end = i + 2;
				while (end < expression.length() && Character.isJavaIdentifierPart(expression.charAt(end))) {
					end++;
				}
				names.add(expression.substring(i + 1, end));
				i = end;
			}
			else {
				i++;
			}
		}
		return names;
	}

	// SpEL escapes a quote inside a literal by doubling it
	private static int endOfString(String expression, int start, char quote) {
		int i = start + 1;
		while (i < expression.length()) {
			if (expression.charAt(i) == quote) {
				if (i + 1 < expression.length() && expression.charAt(i + 1) == quote) {
					i += 2;
					continue;
				}
				return i + 1;
			}
			i++;
		}
		return i;
	}

}
