package dev.realtime.processor;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import javax.annotation.processing.Processor;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;

/**
 * Compiles in-memory sources with {@link RealtimeChannelProcessor} on the test class
 * path.
 *
 * @author Realtime team
 */
final class TestCompiler {

	private static final JavaCompiler COMPILER = ToolProvider.getSystemJavaCompiler();

	private static final Pattern PACKAGE = Pattern.compile("package\\s+([\\w.]+);");

	private static final Pattern TYPE = Pattern.compile("(?:interface|class|record|enum)\\s+(\\w+)");

	private TestCompiler() {
	}

	static Compilation compile(Path directory, String... sources) {
		return compile(directory, List.of(), sources);
	}

	static Compilation compile(Path directory, List<Processor> otherProcessors, String... sources) {
		Path classes = directory.resolve("classes");
		Path generated = directory.resolve("generated");
		DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
		try (StandardJavaFileManager files = COMPILER.getStandardFileManager(diagnostics, Locale.ROOT,
				StandardCharsets.UTF_8)) {
			Files.createDirectories(classes);
			Files.createDirectories(generated);
			files.setLocationFromPaths(StandardLocation.CLASS_OUTPUT, List.of(classes));
			files.setLocationFromPaths(StandardLocation.SOURCE_OUTPUT, List.of(generated));
			List<JavaFileObject> units = new ArrayList<>();
			for (String source : sources) {
				units.add(new Source(source));
			}
			String classPath = System.getProperty("java.class.path") + File.pathSeparator + classes;
			List<String> options = List.of("-Xlint:all,-processing", "-classpath", classPath);
			JavaCompiler.CompilationTask task = COMPILER.getTask(null, files, diagnostics, options, null, units);
			List<Processor> processors = new ArrayList<>(otherProcessors);
			processors.add(new RealtimeChannelProcessor());
			task.setProcessors(processors);
			boolean success = task.call();
			return new Compilation(success, diagnostics.getDiagnostics(), classes, generated);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	record Compilation(boolean success, List<Diagnostic<? extends JavaFileObject>> diagnostics, Path classes,
			Path generated) {

		List<String> messages(Diagnostic.Kind kind) {
			return this.diagnostics.stream()
				.filter((diagnostic) -> diagnostic.getKind() == kind)
				.map((diagnostic) -> diagnostic.getMessage(Locale.ROOT))
				.toList();
		}

		List<String> errors() {
			return messages(Diagnostic.Kind.ERROR);
		}

		/**
		 * Return the source text a diagnostic points at, up to the end of its line.
		 */
		String at(String message) {
			for (Diagnostic<? extends JavaFileObject> diagnostic : this.diagnostics) {
				if (diagnostic.getMessage(Locale.ROOT).equals(message)) {
					return pointedAt(diagnostic);
				}
			}
			throw new AssertionError("No diagnostic " + message + " in " + this.diagnostics);
		}

		List<String> allAt(String message) {
			return this.diagnostics.stream()
				.filter((diagnostic) -> diagnostic.getMessage(Locale.ROOT).equals(message))
				.map(Compilation::pointedAt)
				.toList();
		}

		private static String pointedAt(Diagnostic<? extends JavaFileObject> diagnostic) {
			try {
				String text = diagnostic.getSource()
					.getCharContent(true)
					.toString()
					.substring((int) diagnostic.getPosition());
				int end = text.indexOf('\n');
				return ((end >= 0) ? text.substring(0, end) : text).strip();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		String read(String path) {
			try {
				return Files.readString(this.classes.resolve(path));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		String generatedSource(String path) {
			try {
				return Files.readString(this.generated.resolve(path));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}

		URLClassLoader classLoader() {
			try {
				return new URLClassLoader(new URL[] { this.classes.toUri().toURL() },
						TestCompiler.class.getClassLoader());
			}
			catch (MalformedURLException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

	private static final class Source extends SimpleJavaFileObject {

		private final String text;

		Source(String text) {
			super(URI.create("string:///" + name(text).replace('.', '/') + ".java"), Kind.SOURCE);
			this.text = text;
		}

		private static String name(String text) {
			Matcher packageName = PACKAGE.matcher(text);
			Matcher type = TYPE.matcher(text);
			if (!type.find()) {
				throw new IllegalArgumentException("No type in " + text);
			}
			return packageName.find() ? packageName.group(1) + "." + type.group(1) : type.group(1);
		}

		@Override
		public CharSequence getCharContent(boolean ignoreEncodingErrors) {
			return this.text;
		}

	}

}
