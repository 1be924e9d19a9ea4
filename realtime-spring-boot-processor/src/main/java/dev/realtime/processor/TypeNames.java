package dev.realtime.processor;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import javax.lang.model.element.TypeElement;
import javax.lang.model.type.ArrayType;
import javax.lang.model.type.DeclaredType;
import javax.lang.model.type.TypeMirror;
import javax.lang.model.type.WildcardType;

/**
 * Renders types as canonical names with generics, without type annotations, such as
 * {@code java.util.List<com.example.Pipeline.Status>}. The runtime catalog loader renders
 * reflective types the same way.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class TypeNames {

	private TypeNames() {
	}

	/**
	 * Return the canonical name of a type with its type arguments.
	 * @param type the type
	 * @return the name
	 */
	static String canonical(TypeMirror type) {
		switch (type.getKind()) {
			case DECLARED:
				return declared((DeclaredType) type);
			case ARRAY:
				return canonical(((ArrayType) type).getComponentType()) + "[]";
			case WILDCARD:
				return wildcard((WildcardType) type);
			default:
				// primitives and type variables carry no annotations in their names
				return type.getKind().isPrimitive() ? type.getKind().name().toLowerCase(Locale.ROOT) : type.toString();
		}
	}

	private static String declared(DeclaredType type) {
		String name = ((TypeElement) type.asElement()).getQualifiedName().toString();
		List<? extends TypeMirror> arguments = type.getTypeArguments();
		return arguments.isEmpty() ? name
				: name + arguments.stream().map(TypeNames::canonical).collect(Collectors.joining(", ", "<", ">"));
	}

	private static String wildcard(WildcardType type) {
		if (type.getExtendsBound() != null) {
			return "? extends " + canonical(type.getExtendsBound());
		}
		if (type.getSuperBound() != null) {
			return "? super " + canonical(type.getSuperBound());
		}
		return "?";
	}

}
