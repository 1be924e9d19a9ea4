package dev.realtime.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

/**
 * The channel template rules of {@code dev.realtime.ChannelTemplate}, copied because the
 * processor must not depend on the library. Keep both in sync: {@code TemplateRulesTests}
 * checks that they agree.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class TemplateRules {

	private static final Pattern LITERAL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z][a-zA-Z0-9_]{0,63})}");

	private TemplateRules() {
	}

	/**
	 * Describe what is wrong with a template, if anything, in the words of
	 * {@code ChannelTemplate.problem(String)}.
	 * @param template the template to check
	 * @return a description of the problem, or {@code null} if the template is valid
	 */
	static @Nullable String problem(String template) {
		if (template.isEmpty()) {
			return "the template is empty";
		}
		String[] parts = template.split(":", -1);
		List<String> seen = new ArrayList<>();
		for (int i = 0; i < parts.length; i++) {
			String part = parts[i];
			Matcher matcher = PLACEHOLDER.matcher(part);
			if (matcher.matches()) {
				if (i == 0) {
					return "the first segment must be a literal, not a placeholder";
				}
				if (seen.contains(matcher.group(1))) {
					return "placeholder '" + matcher.group(1) + "' appears twice";
				}
				seen.add(matcher.group(1));
			}
			else if (!LITERAL.matcher(part).matches()) {
				return "segment '" + part + "' must be a literal of lower-case letters, digits, '.', '_' or '-'"
						+ " (at most 64) or a whole {placeholder}";
			}
		}
		return null;
	}

	/**
	 * Return the segments of a valid template, {@code null} standing for a placeholder.
	 * @param template a valid template
	 * @return the literal segments, {@code null} for each placeholder
	 */
	static @Nullable String[] literals(String template) {
		@Nullable String[] parts = template.split(":", -1);
		for (int i = 0; i < parts.length; i++) {
			if (PLACEHOLDER.matcher(parts[i]).matches()) {
				parts[i] = null;
			}
		}
		return parts;
	}

	/**
	 * Return the placeholder names of a valid template, in order.
	 * @param template a valid template
	 * @return the placeholder names
	 */
	static List<String> placeholders(String template) {
		List<String> names = new ArrayList<>();
		for (String part : template.split(":", -1)) {
			Matcher matcher = PLACEHOLDER.matcher(part);
			if (matcher.matches()) {
				names.add(matcher.group(1));
			}
		}
		return names;
	}

	/**
	 * Whether some channel name could match both valid templates, by the rule of
	 * {@code ChannelTemplate.overlaps}.
	 * @param first a valid template
	 * @param second another valid template
	 * @return whether the two templates overlap
	 */
	static boolean overlaps(String first, String second) {
		@Nullable String[] a = literals(first);
		@Nullable String[] b = literals(second);
		if (a.length != b.length) {
			return false;
		}
		for (int i = 0; i < a.length; i++) {
			if (a[i] != null && b[i] != null && !a[i].equals(b[i])) {
				return false;
			}
		}
		return true;
	}

}
