package dev.realtime.guide.mvc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the README's Spring MVC variant of the five-minute guide and this module in sync:
 * each code block the README marks with {@code <!-- guide-mvc-app/<path> -->} is that
 * file of this module, verbatim (Java files without their {@code package} line, which is
 * the reader's own; the pom's block is a part of the pom). The files both guides share
 * are those of {@code guide-app} ({@code GuideMvcSharedCodeTests}), whose blocks the
 * README shows once.
 */
class GuideMvcReadmeTests {

	private static final Path ROOT = Path.of("..");

	private static final Pattern MARKED_BLOCK = Pattern
		.compile("^<!-- (guide-mvc-app/[^ ]+) -->\\n```[a-z]*\\n(.*?)\\n```$", Pattern.MULTILINE | Pattern.DOTALL);

	@Test
	void whenReadmeShowsGuideFileThenItIsThatFileOfTheGuideMvcApp() {
		Map<String, String> blocks = markedBlocks();
		assertThat(blocks).containsOnlyKeys("guide-mvc-app/pom.xml",
				"guide-mvc-app/src/main/java/dev/realtime/guide/mvc/SecurityConfiguration.java");
		blocks.forEach((path, block) -> {
			String source = read(ROOT.resolve(path)).strip();
			if (path.endsWith("pom.xml")) {
				assertThat(String.join("\n", lines(source))).as(path).contains(String.join("\n", lines(block)));
			}
			else {
				String expected = path.endsWith(".java") ? source.replaceFirst("^package [\\w.]+;\\n\\n", "") : source;
				assertThat(block).as(path).isEqualTo(expected);
			}
		});
	}

	private static Map<String, String> markedBlocks() {
		Map<String, String> blocks = new LinkedHashMap<>();
		Matcher matcher = MARKED_BLOCK.matcher(read(ROOT.resolve("README.md")));
		while (matcher.find()) {
			assertThat(blocks.put(matcher.group(1), matcher.group(2))).as("blocks marked " + matcher.group(1)).isNull();
		}
		return blocks;
	}

	// lines without their indentation, blank ones left out
	private static List<String> lines(String text) {
		List<String> lines = new ArrayList<>();
		for (String line : text.split("\n")) {
			if (!line.isBlank()) {
				lines.add(line.strip());
			}
		}
		return lines;
	}

	private static String read(Path path) {
		try {
			return Files.readString(path);
		}
		catch (IOException ex) {
			throw new IllegalStateException("Cannot read " + path, ex);
		}
	}

}
