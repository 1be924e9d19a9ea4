package dev.realtime.processor;

import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.annotation.processing.AbstractProcessor;
import javax.annotation.processing.Filer;
import javax.annotation.processing.Processor;
import javax.annotation.processing.RoundEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.NestingKind;
import javax.lang.model.element.TypeElement;
import javax.lang.model.util.Elements;
import javax.tools.Diagnostic.Kind;
import javax.tools.FileObject;
import javax.tools.StandardLocation;

import org.jspecify.annotations.Nullable;

/**
 * Annotation {@link Processor} for {@code @RealtimeChannel} interfaces. It checks each
 * declaration with the rules of {@code ChannelDefinition.of(Class)}, and generates:
 * <ul>
 * <li>for an interface {@code Foo}, a class {@code FooChannel} in the same package with a
 * typed factory {@code FooChannel.of(...)} taking one value per placeholder. For a nested
 * interface {@code Outer.Foo} the class is also named {@code FooChannel}, next to
 * {@code Outer}, unless that name is taken, then {@code OuterFooChannel};</li>
 * <li>the channel catalog {@value #CATALOG} that the runtime loads and re-validates at
 * start-up;</li>
 * <li>TypeScript declarations {@value #DECLARATIONS} for the frontend.</li>
 * </ul>
 * Both files are written once, after the last round. When the build compiles only some
 * sources, the entries of the previous catalog whose interfaces were not compiled are
 * kept if they still exist and are still annotated; a clean build rewrites the catalog
 * from scratch and is the safe choice after deleting or renaming channels.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeChannelProcessor extends AbstractProcessor {

	/**
	 * Location of the channel catalog in the class output.
	 */
	public static final String CATALOG = "META-INF/realtime/channels.json";

	/**
	 * Location of the TypeScript declarations in the class output.
	 */
	public static final String DECLARATIONS = "META-INF/realtime/channels.d.ts";

	// catalog entries by binary name of the interface, in discovery order
	private final Map<String, Map<String, Object>> catalog = new LinkedHashMap<>();

	// every annotated interface seen, valid or not,
	// so that stale entries are not merged back
	private final Set<String> seen = new HashSet<>();

	private final List<Declared> declared = new ArrayList<>();

	private final Set<String> generatedNames = new HashSet<>();

	@Override
	public Set<String> getSupportedAnnotationTypes() {
		return Set.of(ChannelReader.CHANNEL_ANNOTATION);
	}

	@Override
	public SourceVersion getSupportedSourceVersion() {
		return SourceVersion.latestSupported();
	}

	@Override
	public boolean process(Set<? extends TypeElement> annotations, RoundEnvironment roundEnvironment) {
		if (roundEnvironment.processingOver()) {
			writeCatalog();
			return false;
		}
		TypeElement annotation = this.processingEnv.getElementUtils().getTypeElement(ChannelReader.CHANNEL_ANNOTATION);
		if (annotation == null) {
			return false;
		}
		ChannelReader reader = new ChannelReader(this.processingEnv);
		List<ChannelModel> channels = new ArrayList<>();
		for (Element element : roundEnvironment.getElementsAnnotatedWith(annotation)) {
			if (element instanceof TypeElement type) {
				this.seen.add(binaryName(type));
			}
			ChannelModel channel = reader.read(element);
			if (channel != null && !overlaps(channel) && channel.valid()) {
				channels.add(channel);
			}
		}
		for (ChannelModel channel : channels) {
			if (this.declared.stream().noneMatch((other) -> other.invalid && other.type.equals(channel.type()))) {
				generate(channel);
			}
		}
		return false;
	}

	private boolean overlaps(ChannelModel channel) {
		Declared current = new Declared(channel.type(), channel.template());
		for (Declared other : this.declared) {
			if (TemplateRules.overlaps(current.template, other.template)) {
				overlapError(current, other);
				overlapError(other, current);
				current.invalid = true;
				other.invalid = true;
			}
		}
		this.declared.add(current);
		return current.invalid;
	}

	private void overlapError(Declared channel, Declared other) {
		AnnotationMirror annotation = ChannelReader.annotation(channel.type, ChannelReader.CHANNEL_ANNOTATION);
		AnnotationValue value = ChannelReader.attribute(annotation, "value");
		if (value == null) {
			value = ChannelReader.attribute(annotation, "name");
		}
		String reason = (channel.template.equals(other.template)) ? "is also declared by"
				: "overlaps template '" + other.template + "' of";
		this.processingEnv.getMessager()
			.printMessage(Kind.ERROR,
					ChannelReader.message(channel.type,
							"template '" + channel.template + "' " + reason + " " + other.type.getQualifiedName()
									+ ": a channel name could match both; make a literal segment differ"),
					channel.type, annotation, value);
	}

	private void generate(ChannelModel channel) {
		Elements elements = this.processingEnv.getElementUtils();
		TypeElement type = channel.type();
		String packageName = elements.getPackageOf(type).getQualifiedName().toString();
		String className = className(type, packageName);
		if (className == null) {
			return;
		}
		String qualifiedName = packageName.isEmpty() ? className : packageName + "." + className;
		Filer filer = this.processingEnv.getFiler();
		try (Writer writer = filer.createSourceFile(qualifiedName, type).openWriter()) {
			writer.write(ChannelSourceWriter.write(channel, packageName, className));
		}
		catch (IOException ex) {
			this.processingEnv.getMessager()
				.printMessage(Kind.ERROR,
						ChannelReader.message(type, "cannot write " + qualifiedName + ": " + ex.getMessage()), type);
			return;
		}
		this.catalog.put(binaryName(type), entry(channel));
	}

	private @Nullable String className(TypeElement type, String packageName) {
		String prefix = packageName.isEmpty() ? "" : packageName + ".";
		String name = type.getSimpleName() + "Channel";
		if (type.getNestingKind() == NestingKind.MEMBER && !isFree(prefix + name, type)) {
			StringBuilder joined = new StringBuilder("Channel");
			for (Element element = type; element instanceof TypeElement; element = element.getEnclosingElement()) {
				joined.insert(0, element.getSimpleName());
			}
			name = joined.toString();
		}
		if (!isFree(prefix + name, type)) {
			this.processingEnv.getMessager()
				.printMessage(Kind.ERROR, ChannelReader.message(type, "the generated class " + prefix + name
						+ " would clash with an existing type; rename one of them"), type);
			return null;
		}
		this.generatedNames.add(prefix + name);
		return name;
	}

	// free unless another type has the name; the class generated by an earlier build
	// (it implements the channel interface; @Generated is not retained in class files)
	// is replaced
	private boolean isFree(String qualifiedName, TypeElement channel) {
		if (this.generatedNames.contains(qualifiedName)) {
			return false;
		}
		TypeElement existing = this.processingEnv.getElementUtils().getTypeElement(qualifiedName);
		return existing == null || existing.getInterfaces()
			.stream()
			.anyMatch((type) -> this.processingEnv.getTypeUtils().asElement(type).equals(channel));
	}

	private Map<String, Object> entry(ChannelModel channel) {
		PayloadSchemas schemas = new PayloadSchemas(this.processingEnv.getElementUtils(),
				this.processingEnv.getTypeUtils());
		List<Object> topics = new ArrayList<>();
		for (ChannelModel.TopicModel topic : channel.topics()) {
			Map<String, Object> entry = new LinkedHashMap<>();
			entry.put("name", topic.name());
			entry.put("type", TypeNames.canonical(topic.payloadType()));
			entry.put("history", topic.history());
			if (topic.stream()) {
				entry.put("stream", true);
			}
			entry.put("schema", schemas.schema(topic.payloadType()));
			topics.add(entry);
		}
		Map<String, Object> entry = new LinkedHashMap<>();
		entry.put("type", binaryName(channel.type()));
		entry.put("template", channel.template());
		entry.put("authorize", channel.authorize());
		if (channel.presence()) {
			entry.put("presence", true);
		}
		entry.put("topics", topics);
		return entry;
	}

	private void writeCatalog() {
		List<Map<String, Object>> channels = new ArrayList<>(previousEntries());
		channels.addAll(this.catalog.values());
		Map<String, Object> catalog = new LinkedHashMap<>();
		catalog.put("version", 1L);
		catalog.put("channels", channels);
		Filer filer = this.processingEnv.getFiler();
		try {
			try (Writer writer = filer.createResource(StandardLocation.CLASS_OUTPUT, "", CATALOG).openWriter()) {
				writer.write(Json.write(catalog));
			}
			try (Writer writer = filer.createResource(StandardLocation.CLASS_OUTPUT, "", DECLARATIONS).openWriter()) {
				writer.write(TypeScriptWriter.write(channels));
			}
		}
		catch (IOException ex) {
			this.processingEnv.getMessager()
				.printMessage(Kind.ERROR, "Cannot write the realtime channel catalog: " + ex.getMessage());
		}
	}

	// entries of an earlier build for interfaces this compilation did not see
	// but that still exist
	private List<Map<String, Object>> previousEntries() {
		String text;
		try {
			FileObject previous = this.processingEnv.getFiler().getResource(StandardLocation.CLASS_OUTPUT, "", CATALOG);
			text = previous.getCharContent(true).toString();
		}
		catch (IOException | IllegalArgumentException ex) {
			// no earlier catalog
			return List.of();
		}
		List<Map<String, Object>> kept = new ArrayList<>();
		try {
			List<Map<String, Object>> channels = Json.member(Json.read(text), "channels");
			for (Map<String, Object> entry : channels) {
				String type = Json.member(entry, "type");
				if (!this.seen.contains(type) && !this.catalog.containsKey(type) && isChannel(type)) {
					kept.add(entry);
				}
			}
		}
		catch (RuntimeException ex) {
			this.processingEnv.getMessager()
				.printMessage(Kind.WARNING, "Ignoring unreadable " + CATALOG + " of an earlier build ("
						+ ex.getMessage() + "); it is written anew");
			return List.of();
		}
		return kept;
	}

	private boolean isChannel(String binaryName) {
		TypeElement type = this.processingEnv.getElementUtils().getTypeElement(binaryName.replace('$', '.'));
		return type != null && ChannelReader.annotation(type, ChannelReader.CHANNEL_ANNOTATION) != null;
	}

	private String binaryName(TypeElement type) {
		return this.processingEnv.getElementUtils().getBinaryName(type).toString();
	}

	private static final class Declared {

		final TypeElement type;

		final String template;

		boolean invalid;

		Declared(TypeElement type, String template) {
			this.type = type;
			this.template = template;
		}

	}

}
