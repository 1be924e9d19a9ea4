package dev.realtime;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * A parsed channel name template such as {@code "pipeline:{runId}"}: {@code :}-separated
 * segments, each a literal or a whole {@code {placeholder}}. Because parameter values may
 * not contain {@code :}, a resolved name maps back to its template and parameters
 * unambiguously.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class ChannelTemplate {

	/**
	 * Longest parameter value accepted.
	 */
	public static final int MAX_PARAMETER_LENGTH = 128;

	private static final Pattern LITERAL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,63}");

	private static final Pattern PLACEHOLDER = Pattern.compile("\\{([a-zA-Z][a-zA-Z0-9_]{0,63})}");

	private static final Pattern VALUE = Pattern.compile("[A-Za-z0-9._~@+=-]{1," + MAX_PARAMETER_LENGTH + "}");

	private final String template;

	private final List<Segment> segments;

	private final List<String> placeholders;

	private ChannelTemplate(String template, List<Segment> segments) {
		this.template = template;
		this.segments = segments;
		List<String> names = new ArrayList<>();
		for (Segment segment : segments) {
			if (segment.placeholder) {
				names.add(segment.text);
			}
		}
		this.placeholders = Collections.unmodifiableList(names);
	}

	/**
	 * Parse a template.
	 * @param template the template, for example {@code "pipeline:{runId}"}
	 * @return the parsed template
	 * @throws IllegalArgumentException if the template is malformed, with the reason
	 */
	public static ChannelTemplate parse(String template) {
		Assert.notNull(template, "'template' must not be null");
		String problem = problem(template);
		if (problem != null) {
			throw new IllegalArgumentException("Invalid channel template '" + template + "': " + problem);
		}
		List<Segment> segments = new ArrayList<>();
		for (String part : template.split(":", -1)) {
			var matcher = PLACEHOLDER.matcher(part);
			segments.add(matcher.matches() ? new Segment(matcher.group(1), true) : new Segment(part, false));
		}
		return new ChannelTemplate(template, List.copyOf(segments));
	}

	/**
	 * Describe what is wrong with a template, if anything. Shared with the annotation
	 * processor's rules so that compile-time and start-up checks agree.
	 * @param template the template to check
	 * @return a description of the problem, or {@code null} if the template is valid
	 */
	public static @Nullable String problem(String template) {
		if (template.isEmpty()) {
			return "the template is empty";
		}
		String[] parts = template.split(":", -1);
		List<String> seen = new ArrayList<>();
		for (int i = 0; i < parts.length; i++) {
			String part = parts[i];
			var matcher = PLACEHOLDER.matcher(part);
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
	 * Return the template text.
	 * @return the template
	 */
	public String template() {
		return this.template;
	}

	/**
	 * Return the placeholder names in order.
	 * @return the placeholder names
	 */
	public List<String> placeholders() {
		return this.placeholders;
	}

	/**
	 * Expand the template with the given parameters.
	 * @param parameters a value for each placeholder
	 * @return the channel name
	 * @throws InvalidChannelException if a value is missing or not allowed
	 */
	public String expand(Map<String, String> parameters) {
		StringBuilder name = new StringBuilder(this.template.length() + 16);
		for (Segment segment : this.segments) {
			if (name.length() > 0) {
				name.append(':');
			}
			if (segment.placeholder) {
				String value = parameters.get(segment.text);
				if (value == null) {
					throw new InvalidChannelException(
							"Missing value for placeholder '" + segment.text + "' of channel '" + this.template + "'");
				}
				checkValue(segment.text, value);
				name.append(value);
			}
			else {
				name.append(segment.text);
			}
		}
		if (parameters.size() != this.placeholders.size()) {
			for (String key : parameters.keySet()) {
				if (!this.placeholders.contains(key)) {
					throw new InvalidChannelException(
							"Unknown parameter '" + key + "' for channel '" + this.template + "'");
				}
			}
		}
		return name.toString();
	}

	/**
	 * Match a channel name against this template.
	 * @param name the channel name, for example {@code "pipeline:run-42"}
	 * @return the parameters in placeholder order, or {@code null} if the name does not
	 * match
	 */
	public @Nullable Map<String, String> match(String name) {
		String[] parts = name.split(":", -1);
		if (parts.length != this.segments.size()) {
			return null;
		}
		Map<String, String> parameters = new LinkedHashMap<>();
		for (int i = 0; i < parts.length; i++) {
			Segment segment = this.segments.get(i);
			if (segment.placeholder) {
				if (!VALUE.matcher(parts[i]).matches()) {
					return null;
				}
				parameters.put(segment.text, parts[i]);
			}
			else if (!segment.text.equals(parts[i])) {
				return null;
			}
		}
		return Collections.unmodifiableMap(parameters);
	}

	/**
	 * Whether some channel name could match both this template and the other one.
	 * @param other another template
	 * @return whether the two templates overlap
	 */
	public boolean overlaps(ChannelTemplate other) {
		if (this.segments.size() != other.segments.size()) {
			return false;
		}
		for (int i = 0; i < this.segments.size(); i++) {
			Segment a = this.segments.get(i);
			Segment b = other.segments.get(i);
			if (!a.placeholder && !b.placeholder && !a.text.equals(b.text)) {
				return false;
			}
		}
		return true;
	}

	/**
	 * Check that a parameter value is allowed: 1 to {@value #MAX_PARAMETER_LENGTH} of
	 * letters, digits and {@code . _ ~ @ + = -}; in particular no {@code :}, white space
	 * or control characters.
	 * @param placeholder the placeholder the value is for
	 * @param value the value
	 * @throws InvalidChannelException if the value is not allowed
	 */
	public static void checkValue(String placeholder, String value) {
		if (!VALUE.matcher(value).matches()) {
			String shown = (value.length() > 40) ? value.substring(0, 40) + "…" : value;
			throw new InvalidChannelException("Invalid value '" + shown.replaceAll("\\p{Cntrl}", "?")
					+ "' for channel parameter '" + placeholder + "': use 1 to " + MAX_PARAMETER_LENGTH
					+ " letters, digits or . _ ~ @ + = - (no ':', white space or control characters)");
		}
	}

	@Override
	public boolean equals(@Nullable Object other) {
		return (other instanceof ChannelTemplate that) && this.template.equals(that.template);
	}

	@Override
	public int hashCode() {
		return this.template.hashCode();
	}

	@Override
	public String toString() {
		return this.template;
	}

	private record Segment(String text, boolean placeholder) {
	}

}
