package dev.realtime.processor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

import javax.annotation.processing.Messager;
import javax.annotation.processing.ProcessingEnvironment;
import javax.lang.model.SourceVersion;
import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.TypeElement;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;
import javax.tools.Diagnostic.Kind;

import org.jspecify.annotations.Nullable;

/**
 * Reads and checks a {@code @RealtimeChannel} declaration by the rules that
 * {@code ChannelDefinition.of(Class)} applies at run time, reporting each problem on the
 * element to change.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class ChannelReader {

	static final String CHANNEL_ANNOTATION = "dev.realtime.RealtimeChannel";

	private static final String TOPIC = "dev.realtime.Topic";

	private static final String TOPIC_OPTIONS = "dev.realtime.TopicOptions";

	private static final String PRESENCE = "presence";

	private static final Set<String> VARIABLES = Set.of("topics", "publish", "cancel", PRESENCE, "authentication",
			"root", "this");

	// methods of dev.realtime.Channel and members of the generated class
	private static final Set<String> GENERATED_MEMBERS = Set.of("name", "definition", "parameters", "DEFINITION");

	private final Elements elements;

	private final Types types;

	private final Messager messager;

	ChannelReader(ProcessingEnvironment environment) {
		this.elements = environment.getElementUtils();
		this.types = environment.getTypeUtils();
		this.messager = environment.getMessager();
	}

	/**
	 * Read and check a declaration.
	 * @param element the annotated element
	 * @return the channel, possibly not {@link ChannelModel#valid() valid}, or
	 * {@code null} if it is not an interface with a valid template
	 */
	@Nullable ChannelModel read(Element element) {
		AnnotationMirror annotation = annotation(element, CHANNEL_ANNOTATION);
		if (element.getKind() != ElementKind.INTERFACE) {
			error((TypeElement) element, annotation, null, "@RealtimeChannel goes on an interface, not on "
					+ kindName(element.getKind()) + "; declare " + element.getSimpleName() + " as an interface");
			return null;
		}
		TypeElement type = (TypeElement) element;
		if (!type.getTypeParameters().isEmpty()) {
			error(type, null, null,
					"it must not declare type parameters; name the payload types in its Topic<T> methods");
			return null;
		}
		if (type.getModifiers().contains(Modifier.PRIVATE)) {
			error(type, null, null, "it must not be private: the generated channel class implements it");
			return null;
		}
		String template = template(type, annotation);
		if (template == null) {
			return null;
		}
		List<String> placeholders = TemplateRules.placeholders(template);
		for (String placeholder : placeholders) {
			if (SourceVersion.isKeyword(placeholder)) {
				error(type, annotation, null, "placeholder '" + placeholder + "' is a Java keyword and cannot name "
						+ "a parameter of the generated factory; rename it");
				return null;
			}
		}
		List<String> accessors = new ArrayList<>();
		List<ChannelModel.TopicModel> topics = new ArrayList<>();
		boolean valid = true;
		for (ExecutableElement method : abstractMethods(type)) {
			valid &= readMethod(type, template, placeholders, method, accessors, topics);
		}
		if (valid && topics.isEmpty()) {
			error(type, null, null, "it declares no Topic<T> method; add one such as Topic<Status> status()");
			valid = false;
		}
		AnnotationValue presenceValue = attribute(annotation, PRESENCE);
		boolean presence = presenceValue != null && (Boolean) presenceValue.getValue();
		String authorize = authorize(type, annotation, template, placeholders, presence);
		valid &= authorize != null;
		return new ChannelModel(type, template, (authorize == null || authorize.isEmpty()) ? null : authorize, presence,
				placeholders, accessors, topics, valid);
	}

	private @Nullable String template(TypeElement type, @Nullable AnnotationMirror annotation) {
		AnnotationValue value = attribute(annotation, "value");
		AnnotationValue name = attribute(annotation, "name");
		String valueText = (value != null) ? (String) value.getValue() : "";
		String nameText = (name != null) ? (String) name.getValue() : "";
		if (!valueText.isEmpty() && !nameText.isEmpty() && !valueText.equals(nameText)) {
			error(type, annotation, name, "value '" + valueText + "' and name '" + nameText
					+ "' are aliases and must not differ; declare only one");
			return null;
		}
		String template = valueText.isEmpty() ? nameText : valueText;
		String problem = TemplateRules.problem(template);
		if (problem != null) {
			error(type, annotation, valueText.isEmpty() ? name : value, "invalid template '" + template + "': "
					+ problem + "; declare it like @RealtimeChannel(\"pipeline:{runId}\")");
			return null;
		}
		return template;
	}

	// empty when there is no rule, null after an error
	private @Nullable String authorize(TypeElement type, @Nullable AnnotationMirror annotation, String template,
			List<String> placeholders, boolean presence) {
		AnnotationValue value = attribute(annotation, "authorize");
		String authorize = (value != null) ? ((String) value.getValue()).strip() : "";
		if (authorize.isEmpty()) {
			return authorize;
		}
		String problem = SpelSyntax.problem(authorize);
		if (problem != null) {
			error(type, annotation, value, "authorize is not a valid SpEL expression: " + problem);
			return null;
		}
		boolean valid = true;
		boolean usesPlaceholder = false;
		for (String variable : SpelVariables.of(authorize)) {
			if (placeholders.contains(variable)) {
				usesPlaceholder = true;
			}
			else if (!VARIABLES.contains(variable)) {
				error(type, annotation, value,
						"unknown placeholder '#" + variable + "' in authorize: the template '" + template + "' has "
								+ placeholders
								+ "; other variables are #topics, #publish, #cancel, #presence and #authentication");
				valid = false;
			}
			else if (variable.equals(PRESENCE) && !presence) {
				error(type, annotation, value, "authorize refers to #presence, but the channel does not track "
						+ "presence: add presence = true");
				valid = false;
			}
		}
		if (valid && !usesPlaceholder && !placeholders.isEmpty()) {
			this.messager.printMessage(Kind.WARNING,
					message(type,
							"unused placeholder: authorize refers to none of " + placeholders + " of '" + template
									+ "'; a rule that ignores the channel parameters usually "
									+ "grants too much (refer to #" + placeholders.get(0) + ")"),
					type, annotation, value);
		}
		return valid ? authorize : null;
	}

	private List<ExecutableElement> abstractMethods(TypeElement type) {
		Map<String, ExecutableElement> methods = new LinkedHashMap<>();
		collect(type, type, methods);
		return new ArrayList<>(methods.values());
	}

	// declaration order: the interface's own methods first,
	// then those of its super-interfaces
	private void collect(TypeElement channel, TypeElement declaring, Map<String, ExecutableElement> methods) {
		for (ExecutableElement method : ElementFilter.methodsIn(declaring.getEnclosedElements())) {
			if (!method.getModifiers().contains(Modifier.ABSTRACT)) {
				continue;
			}
			String name = method.getSimpleName().toString();
			ExecutableElement existing = methods.get(name);
			if (existing == null) {
				methods.put(name, method);
			}
			else if (!this.elements.overrides(existing, method, channel)
					&& !sameReturnType(channel, existing, method)) {
				error(channel, null, null, "topic '" + name + "' is declared twice, by " + describe(existing) + " and "
						+ describe(method) + "; rename one of them");
			}
		}
		for (TypeMirror superInterface : declaring.getInterfaces()) {
			collect(channel, (TypeElement) this.types.asElement(superInterface), methods);
		}
	}

	private boolean sameReturnType(TypeElement channel, ExecutableElement first, ExecutableElement second) {
		DeclaredType site = (DeclaredType) channel.asType();
		return first.getParameters().isEmpty() == second.getParameters().isEmpty()
				&& this.types.isSameType(returnType(site, first), returnType(site, second));
	}

	private TypeMirror returnType(DeclaredType site, ExecutableElement method) {
		return ((ExecutableType) this.types.asMemberOf(site, method)).getReturnType();
	}

	private boolean readMethod(TypeElement type, String template, List<String> placeholders, ExecutableElement method,
			List<String> accessors, List<ChannelModel.TopicModel> topics) {
		String name = method.getSimpleName().toString();
		if (!method.getParameters().isEmpty()) {
			error(method, null, null, type, "method " + name + "() must not take parameters");
			return false;
		}
		if (GENERATED_MEMBERS.contains(name) || (name.equals("of") && placeholders.isEmpty())) {
			error(method, null, null, type, "method " + name + "() clashes with a member of the generated "
					+ "channel class (name(), definition(), parameters(), DEFINITION, of(...)); rename it");
			return false;
		}
		TypeMirror returnType = method.getReturnType();
		if (isNamed(returnType, "java.lang.String")) {
			if (!placeholders.contains(name)) {
				error(method, null, null, type, "method " + name + "() names unknown placeholder '" + name
						+ "': the template '" + template + "' has " + placeholders);
				return false;
			}
			accessors.add(name);
			return true;
		}
		if (!isNamed(returnType, TOPIC)) {
			error(method, null, null, type, "method " + name + "() must return Topic<T> (or String for a placeholder)");
			return false;
		}
		List<? extends TypeMirror> arguments = ((DeclaredType) returnType).getTypeArguments();
		if (arguments.isEmpty()) {
			error(method, null, null, type,
					"method " + name + "() must return Topic<T> with a payload type, not a raw Topic");
			return false;
		}
		TypeMirror payloadType = arguments.get(0);
		if (payloadType.getKind() == TypeKind.TYPEVAR || payloadType.getKind() == TypeKind.WILDCARD) {
			error(method, null, null, type,
					"method " + name + "() must name a concrete payload type, not " + payloadType);
			return false;
		}
		if (name.startsWith("$")) {
			error(method, null, null, type, "topic name '" + name + "' is reserved: names starting with '$' "
					+ "belong to the runtime (such as '$run'); rename the method");
			return false;
		}
		AnnotationMirror options = annotation(method, TOPIC_OPTIONS);
		AnnotationValue history = attribute(options, "history");
		AnnotationValue streamValue = attribute(options, "stream");
		boolean stream = streamValue != null && (Boolean) streamValue.getValue();
		if (stream && !checkStream(type, method, name, payloadType, options, history)) {
			return false;
		}
		topics.add(new ChannelModel.TopicModel(name, payloadType,
				!stream && (history == null || (Boolean) history.getValue()), stream));
		return true;
	}

	// the rules of ChannelDefinition for a stream topic,
	// and history = true, which the runtime would silently ignore
	private boolean checkStream(TypeElement type, ExecutableElement method, String name, TypeMirror payloadType,
			@Nullable AnnotationMirror options, @Nullable AnnotationValue history) {
		if (!isNamed(payloadType, "java.lang.String")) {
			error(method, null, null, type, "stream topic " + name + "() must be a Topic<String>: each message is a "
					+ "chunk of its text, not " + TypeNames.canonical(payloadType));
			return false;
		}
		if (history != null && (Boolean) history.getValue()) {
			error(method, options, history, type,
					"stream topic " + name + "() keeps its accumulated text, not its chunks: remove history = true");
			return false;
		}
		return true;
	}

	private static boolean isNamed(TypeMirror type, String name) {
		return type.getKind() == TypeKind.DECLARED
				&& ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(name);
	}

	private static String describe(ExecutableElement method) {
		// a method is always enclosed by its declaring type
		TypeElement declaring = (TypeElement) Objects.requireNonNull(method.getEnclosingElement());
		return declaring.getQualifiedName() + "." + method.getSimpleName() + "()";
	}

	private static String kindName(ElementKind kind) {
		return switch (kind) {
			case ANNOTATION_TYPE -> "an annotation type";
			case ENUM -> "an enum";
			case RECORD -> "a record";
			default -> "a class";
		};
	}

	static @Nullable AnnotationMirror annotation(Element element, String name) {
		for (AnnotationMirror mirror : element.getAnnotationMirrors()) {
			if (((TypeElement) mirror.getAnnotationType().asElement()).getQualifiedName().contentEquals(name)) {
				return mirror;
			}
		}
		return null;
	}

	static @Nullable AnnotationValue attribute(@Nullable AnnotationMirror annotation, String name) {
		if (annotation == null) {
			return null;
		}
		for (Map.Entry<? extends ExecutableElement, ? extends AnnotationValue> entry : annotation.getElementValues()
			.entrySet()) {
			if (entry.getKey().getSimpleName().contentEquals(name)) {
				return entry.getValue();
			}
		}
		return null;
	}

	private void error(TypeElement type, @Nullable AnnotationMirror annotation, @Nullable AnnotationValue value,
			String reason) {
		error(type, annotation, value, type, reason);
	}

	private void error(Element element, @Nullable AnnotationMirror annotation, @Nullable AnnotationValue value,
			Element channel, String reason) {
		this.messager.printMessage(Kind.ERROR, message(channel, reason), element, annotation, value);
	}

	static String message(Element channel, String reason) {
		String name = (channel instanceof TypeElement type) ? type.getQualifiedName().toString()
				: channel.getSimpleName().toString();
		return "Invalid @RealtimeChannel " + name + ": " + reason;
	}

}
