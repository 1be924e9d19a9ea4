package dev.realtime.processor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.lang.model.element.AnnotationMirror;
import javax.lang.model.element.AnnotationValue;
import javax.lang.model.element.Element;
import javax.lang.model.element.ElementKind;
import javax.lang.model.element.ExecutableElement;
import javax.lang.model.element.Modifier;
import javax.lang.model.element.RecordComponentElement;
import javax.lang.model.element.TypeElement;
import javax.lang.model.element.VariableElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.ExecutableType;
import javax.lang.model.type.TypeKind;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.util.ElementFilter;
import javax.lang.model.util.Elements;
import javax.lang.model.util.Types;

import org.jspecify.annotations.Nullable;

/**
 * Describes payload types as JSON Schema (draft 2020-12), following what Jackson writes
 * by default: record components and bean getters become properties, {@code java.time}
 * types ISO-8601 strings, {@code byte[]} a base64 string. Every property is required
 * unless it is {@code Optional} or annotated with an annotation named {@code Nullable};
 * simple Bean Validation constraints are carried over. Object schemas carry their Java
 * type in {@code x-java-type}; a type that refers to itself is cut short at the second
 * occurrence as an object schema without {@code properties}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class PayloadSchemas {

	static final String JAVA_TYPE = "x-java-type";

	private static final String CONSTRAINTS = "jakarta.validation.constraints.";

	private static final Set<String> INTEGERS = Set.of("java.lang.Byte", "java.lang.Short", "java.lang.Integer",
			"java.lang.Long", "java.math.BigInteger", "java.util.OptionalInt", "java.util.OptionalLong",
			"java.util.concurrent.atomic.AtomicInteger", "java.util.concurrent.atomic.AtomicLong");

	private static final Set<String> NUMBERS = Set.of("java.lang.Float", "java.lang.Double", "java.math.BigDecimal",
			"java.lang.Number", "java.util.OptionalDouble");

	private static final Map<String, String> FORMATS = Map.of("java.util.UUID", "uuid", "java.time.Instant",
			"date-time", "java.time.OffsetDateTime", "date-time", "java.time.ZonedDateTime", "date-time",
			"java.time.LocalDate", "date", "java.time.LocalTime", "time", "java.time.OffsetTime", "time",
			"java.time.Duration", "duration", "java.net.URI", "uri", "java.net.URL", "uri");

	private static final Set<String> STRINGS = Set.of("java.lang.String", "java.lang.CharSequence",
			"java.lang.Character", "java.time.LocalDateTime", "java.time.Period", "java.time.YearMonth",
			"java.time.Year", "java.time.ZoneId", "java.util.Locale", "java.util.Currency");

	private static final Set<String> ANY = Set.of("java.lang.Object", "tools.jackson.databind.JsonNode",
			"com.fasterxml.jackson.databind.JsonNode");

	private final Elements elements;

	private final Types types;

	PayloadSchemas(Elements elements, Types types) {
		this.elements = elements;
		this.types = types;
	}

	/**
	 * Return the JSON Schema of a payload type.
	 * @param type the payload type
	 * @return the schema
	 */
	Map<String, Object> schema(TypeMirror type) {
		Map<String, Object> schema = new LinkedHashMap<>();
		schema.put("$schema", "https://json-schema.org/draft/2020-12/schema");
		schema.putAll(describe(type, new ArrayDeque<>()));
		return schema;
	}

	private Map<String, Object> describe(TypeMirror type, Deque<String> path) {
		Map<String, Object> schema = new LinkedHashMap<>();
		switch (type.getKind()) {
			case BOOLEAN -> schema.put("type", "boolean");
			case BYTE, SHORT, INT, LONG -> schema.put("type", "integer");
			case FLOAT, DOUBLE -> schema.put("type", "number");
			case CHAR -> schema.put("type", "string");
			case ARRAY -> {
				TypeMirror component = ((ArrayType) type).getComponentType();
				if (component.getKind() == TypeKind.BYTE) {
					schema.put("type", "string");
					schema.put("contentEncoding", "base64");
				}
				else {
					schema.put("type", "array");
					schema.put("items", describe(component, path));
				}
			}
			case DECLARED -> describeDeclared((DeclaredType) type, path, schema);
			default -> {
				// type variables and wildcards: anything
			}
		}
		return schema;
	}

	private void describeDeclared(DeclaredType type, Deque<String> path, Map<String, Object> schema) {
		TypeElement element = (TypeElement) type.asElement();
		String name = element.getQualifiedName().toString();
		if (name.equals("java.lang.Boolean") || name.equals("java.util.concurrent.atomic.AtomicBoolean")) {
			schema.put("type", "boolean");
		}
		else if (INTEGERS.contains(name)) {
			schema.put("type", "integer");
		}
		else if (NUMBERS.contains(name)) {
			schema.put("type", "number");
		}
		else if (FORMATS.containsKey(name)) {
			schema.put("type", "string");
			schema.put("format", FORMATS.get(name));
		}
		else if (STRINGS.contains(name)) {
			schema.put("type", "string");
		}
		else if (ANY.contains(name)) {
			// any JSON value
		}
		else if (name.equals("java.util.Optional")) {
			schema.putAll(describe(argument(type, 0), path));
		}
		else if (element.getKind() == ElementKind.ENUM) {
			schema.put("type", "string");
			schema.put("enum",
					ElementFilter.fieldsIn(element.getEnclosedElements())
						.stream()
						.filter((field) -> field.getKind() == ElementKind.ENUM_CONSTANT)
						.map((field) -> (Object) field.getSimpleName().toString())
						.toList());
		}
		else if (isA(type, "java.util.Map")) {
			schema.put("type", "object");
			schema.put("additionalProperties", describe(argumentOf(type, "java.util.Map", 1), path));
		}
		else if (isA(type, "java.lang.Iterable")) {
			schema.put("type", "array");
			schema.put("items", describe(argumentOf(type, "java.lang.Iterable", 0), path));
			if (isA(type, "java.util.Set")) {
				schema.put("uniqueItems", true);
			}
		}
		else {
			describeObject(type, element, path, schema);
		}
	}

	private void describeObject(DeclaredType type, TypeElement element, Deque<String> path,
			Map<String, Object> schema) {
		String javaType = TypeNames.canonical(type);
		schema.put("type", "object");
		schema.put("title", element.getSimpleName().toString());
		schema.put(JAVA_TYPE, javaType);
		if (path.contains(javaType)) {
			return;
		}
		path.push(javaType);
		Map<String, Object> properties = new LinkedHashMap<>();
		List<Object> required = new ArrayList<>();
		for (Property property : properties(type, element)) {
			if (property.annotation("JsonIgnore") != null) {
				continue;
			}
			Map<String, Object> propertySchema = describe(property.type(), path);
			boolean nullable = property.annotation("Nullable") != null
					|| isNamed(property.type(), "java.util.Optional");
			constrain(property, propertySchema);
			if (nullable && property.annotation(CONSTRAINTS + "NotNull") == null
					&& property.annotation(CONSTRAINTS + "NotBlank") == null) {
				allowNull(propertySchema);
			}
			else {
				required.add(property.jsonName());
			}
			properties.put(property.jsonName(), propertySchema);
		}
		path.pop();
		schema.put("properties", properties);
		if (!required.isEmpty()) {
			schema.put("required", required);
		}
	}

	private List<Property> properties(DeclaredType type, TypeElement element) {
		List<Property> properties = new ArrayList<>();
		if (element.getKind() == ElementKind.RECORD) {
			for (RecordComponentElement component : element.getRecordComponents()) {
				ExecutableElement accessor = component.getAccessor();
				List<AnnotationMirror> annotations = new ArrayList<>();
				annotations.addAll(component.getAnnotationMirrors());
				annotations.addAll(component.asType().getAnnotationMirrors());
				annotations.addAll(accessor.getAnnotationMirrors());
				annotations.addAll(accessor.getReturnType().getAnnotationMirrors());
				addField(element, component.getSimpleName().toString(), annotations);
				properties
					.add(new Property(component.getSimpleName().toString(), memberType(type, accessor), annotations));
			}
			return properties;
		}
		for (ExecutableElement method : ElementFilter.methodsIn(this.elements.getAllMembers(element))) {
			String name = propertyName(method);
			if (name != null) {
				List<AnnotationMirror> annotations = new ArrayList<>();
				annotations.addAll(method.getAnnotationMirrors());
				annotations.addAll(method.getReturnType().getAnnotationMirrors());
				addField(element, name, annotations);
				properties.add(new Property(name, memberType(type, method), annotations));
			}
		}
		return properties;
	}

	private void addField(TypeElement element, String name, List<AnnotationMirror> annotations) {
		for (VariableElement field : ElementFilter.fieldsIn(element.getEnclosedElements())) {
			if (field.getSimpleName().contentEquals(name)) {
				annotations.addAll(field.getAnnotationMirrors());
				annotations.addAll(field.asType().getAnnotationMirrors());
			}
		}
	}

	private static @Nullable String propertyName(ExecutableElement method) {
		Set<Modifier> modifiers = method.getModifiers();
		String name = method.getSimpleName().toString();
		if (!modifiers.contains(Modifier.PUBLIC) || modifiers.contains(Modifier.STATIC)
				|| !method.getParameters().isEmpty() || method.getReturnType().getKind() == TypeKind.VOID
				|| name.equals("getClass")) {
			return null;
		}
		String suffix;
		if (name.startsWith("get") && name.length() > 3) {
			suffix = name.substring(3);
		}
		else if (name.startsWith("is") && name.length() > 2 && method.getReturnType().getKind() == TypeKind.BOOLEAN) {
			suffix = name.substring(2);
		}
		else {
			return null;
		}
		return Character.toLowerCase(suffix.charAt(0)) + suffix.substring(1);
	}

	private TypeMirror memberType(DeclaredType site, ExecutableElement method) {
		return ((ExecutableType) this.types.asMemberOf(site, method)).getReturnType();
	}

	private static void constrain(Property property, Map<String, Object> schema) {
		Object type = schema.get("type");
		String minimum = "array".equals(type) ? "minItems" : "object".equals(type) ? "minProperties" : "minLength";
		String maximum = "array".equals(type) ? "maxItems" : "object".equals(type) ? "maxProperties" : "maxLength";
		if (property.annotation(CONSTRAINTS + "NotBlank") != null
				|| property.annotation(CONSTRAINTS + "NotEmpty") != null) {
			schema.put(minimum, 1L);
		}
		AnnotationMirror size = property.annotation(CONSTRAINTS + "Size");
		if (size != null) {
			Object min = value(size, "min");
			Object max = value(size, "max");
			if (min != null && ((Integer) min) > 0) {
				schema.put(minimum, ((Integer) min).longValue());
			}
			if (max != null && ((Integer) max) < Integer.MAX_VALUE) {
				schema.put(maximum, ((Integer) max).longValue());
			}
		}
		AnnotationMirror min = property.annotation(CONSTRAINTS + "Min");
		if (min != null) {
			schema.put("minimum", value(min, "value"));
		}
		AnnotationMirror max = property.annotation(CONSTRAINTS + "Max");
		if (max != null) {
			schema.put("maximum", value(max, "value"));
		}
		AnnotationMirror pattern = property.annotation(CONSTRAINTS + "Pattern");
		if (pattern != null) {
			schema.put("pattern", value(pattern, "regexp"));
		}
		if (property.annotation(CONSTRAINTS + "Email") != null) {
			schema.put("format", "email");
		}
	}

	@SuppressWarnings("unchecked")
	private static void allowNull(Map<String, Object> schema) {
		Object type = schema.get("type");
		if (type instanceof String) {
			schema.put("type", List.of(type, "null"));
		}
		if (schema.get("enum") instanceof List<?> values) {
			List<@Nullable Object> withNull = new ArrayList<>((List<Object>) values);
			withNull.add(null);
			schema.put("enum", withNull);
		}
	}

	private static @Nullable Object value(AnnotationMirror annotation, String name) {
		AnnotationValue value = ChannelReader.attribute(annotation, name);
		return (value != null) ? value.getValue() : null;
	}

	private boolean isA(TypeMirror type, String name) {
		TypeElement target = this.elements.getTypeElement(name);
		return target != null && this.types.isAssignable(this.types.erasure(type), this.types.erasure(target.asType()));
	}

	private static boolean isNamed(TypeMirror type, String name) {
		return type.getKind() == TypeKind.DECLARED
				&& ((TypeElement) ((DeclaredType) type).asElement()).getQualifiedName().contentEquals(name);
	}

	// a raw type has no arguments: anything
	private TypeMirror argument(DeclaredType type, int index) {
		List<? extends TypeMirror> arguments = type.getTypeArguments();
		return (arguments.size() > index) ? arguments.get(index)
				: this.elements.getTypeElement("java.lang.Object").asType();
	}

	// the type argument that a subtype gives to a generic supertype,
	// such as V of Map<K, V>
	private TypeMirror argumentOf(TypeMirror type, String supertype, int index) {
		if (isNamed(type, supertype)) {
			return argument((DeclaredType) type, index);
		}
		for (TypeMirror direct : this.types.directSupertypes(type)) {
			if (isA(direct, supertype)) {
				return argumentOf(direct, supertype, index);
			}
		}
		return this.elements.getTypeElement("java.lang.Object").asType();
	}

	private record Property(String name, TypeMirror type, List<AnnotationMirror> annotations) {

		// a qualified name, or a simple name for annotations
		// such as Nullable that come from many libraries
		@Nullable AnnotationMirror annotation(String name) {
			for (AnnotationMirror annotation : this.annotations) {
				Element element = annotation.getAnnotationType().asElement();
				String qualified = ((TypeElement) element).getQualifiedName().toString();
				if (qualified.equals(name) || (!name.contains(".") && element.getSimpleName().contentEquals(name))) {
					return annotation;
				}
			}
			return null;
		}

		String jsonName() {
			AnnotationMirror jsonProperty = annotation("JsonProperty");
			Object value = (jsonProperty != null) ? value(jsonProperty, "value") : null;
			return (value instanceof String renamed && !renamed.isEmpty()) ? renamed : this.name;
		}

	}

}
