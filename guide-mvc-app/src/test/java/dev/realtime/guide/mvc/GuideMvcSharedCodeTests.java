package dev.realtime.guide.mvc;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Keeps the two guides from drifting apart: the channel, the controller and the page of
 * this module are those of {@code guide-app}, the WebFlux guide, apart from the
 * {@code package} line of the Java files.
 */
class GuideMvcSharedCodeTests {

	private static final Path ROOT = Path.of("..");

	private static final Path WEBFLUX_GUIDE = ROOT.resolve("guide-app/src/main");

	private static final Path MVC_GUIDE = ROOT.resolve("guide-mvc-app/src/main");

	@ParameterizedTest
	@ValueSource(strings = { "ContentPipeline.java", "PipelineRuns.java" })
	void whenGuidesShareJavaFileThenOnlyItsPackageDiffers(String name) {
		String webFlux = read(WEBFLUX_GUIDE.resolve("java/dev/realtime/guide").resolve(name));
		String mvc = read(MVC_GUIDE.resolve("java/dev/realtime/guide/mvc").resolve(name));
		assertThat(webFlux).startsWith("package dev.realtime.guide;\n");
		assertThat(mvc).startsWith("package dev.realtime.guide.mvc;\n");
		assertThat(withoutPackage(mvc)).as(name).isEqualTo(withoutPackage(webFlux));
	}

	@ParameterizedTest
	@ValueSource(strings = { "static/index.html" })
	void whenGuidesShareResourceThenItIsTheSame(String name) {
		assertThat(read(MVC_GUIDE.resolve("resources").resolve(name))).as(name)
			.isEqualTo(read(WEBFLUX_GUIDE.resolve("resources").resolve(name)));
	}

	private static String withoutPackage(String source) {
		return source.replaceFirst("^package [\\w.]+;\\n", "");
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
