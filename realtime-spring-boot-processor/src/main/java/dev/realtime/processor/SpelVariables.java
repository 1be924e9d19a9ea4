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
				int end = endOfString(expression, i, c);
				i = (end != -1) ? end : expression.length();
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

	/**
	 * Return where a string literal ends. SpEL escapes a quote inside a literal by
	 * doubling it.
	 * @param expression the expression
	 * @param start the index of the literal's opening quote
	 * @param quote the quote character
	 * @return the index after the closing quote, or {@code -1} if the literal is not
	 * terminated
	 */
	static int endOfString(String expression, int start, char quote) {
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
		return -1;
	}

}
