package dev.realtime.processor;

import java.util.stream.Collectors;

/**
 * Writes the source of the class generated for a channel interface: a typed factory that
 * implements both the interface and {@code dev.realtime.Channel}. Names are fully
 * qualified so that the generated code cannot clash with the user's imports.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class ChannelSourceWriter {

	private ChannelSourceWriter() {
	}

	/**
	 * Return the source of the generated class.
	 * @param channel the channel
	 * @param packageName the package of the generated class
	 * @param className the simple name of the generated class
	 * @return the Java source
	 */
	static String write(ChannelModel channel, String packageName, String className) {
		String type = channel.type().getQualifiedName().toString();
		StringBuilder out = new StringBuilder();
		if (!packageName.isEmpty()) {
			out.append("package ").append(packageName).append(";\n\n");
		}
		out.append("/**\n");
		out.append(" * Channel {@code ")
			.append(channel.template())
			.append("} declared by {@link ")
			.append(type)
			.append("}.\n");
		out.append(" * Create one with {@link #of(")
			.append(String.join(", ", channel.placeholders().stream().map((placeholder) -> "String").toList()))
			.append(")}.\n");
		if (channel.presence()) {
			out.append(" * It tracks presence: members join and leave on the reserved {@code $presence} topic.\n");
		}
		out.append(" */\n");
		out.append("@javax.annotation.processing.Generated(\"")
			.append(RealtimeChannelProcessor.class.getName())
			.append("\")\n");
		out.append("public final class ")
			.append(className)
			.append(" implements ")
			.append(type)
			.append(", dev.realtime.Channel {\n\n");
		out.append("\t/**\n\t * The definition of the channel, read from its interface.\n\t */\n");
		out.append(
				"\tpublic static final dev.realtime.ChannelDefinition DEFINITION = dev.realtime.ChannelDefinition.of(")
			.append(type)
			.append(".class);\n\n");
		out.append("\tprivate final String name;\n\n");
		out.append("\tprivate final java.util.Map<String, String> parameters;\n");
		for (ChannelModel.TopicModel topic : channel.topics()) {
			out.append("\n\tprivate final dev.realtime.Topic<")
				.append(TypeNames.canonical(topic.payloadType()))
				.append("> ")
				.append(topic.name())
				.append(";\n");
		}
		out.append("\n\tprivate ").append(className).append("(java.util.Map<String, String> parameters) {\n");
		out.append("\t\tthis.name = DEFINITION.template().expand(parameters);\n");
		out.append("\t\tthis.parameters = parameters;\n");
		for (ChannelModel.TopicModel topic : channel.topics()) {
			out.append("\t\tthis.")
				.append(topic.name())
				.append(" = dev.realtime.Topic.of(this, \"")
				.append(topic.name())
				.append("\");\n");
		}
		out.append("\t}\n\n");
		writeFactory(channel, className, out);
		writeChannelMethods(out);
		for (ChannelModel.TopicModel topic : channel.topics()) {
			out.append("\t@Override\n\tpublic dev.realtime.Topic<")
				.append(TypeNames.canonical(topic.payloadType()))
				.append("> ")
				.append(topic.name())
				.append("() {\n\t\treturn this.")
				.append(topic.name())
				.append(";\n\t}\n\n");
		}
		for (String accessor : channel.accessors()) {
			out.append("\t@Override\n\tpublic String ")
				.append(accessor)
				.append("() {\n\t\treturn this.parameters.get(\"")
				.append(accessor)
				.append("\");\n\t}\n\n");
		}
		out.setLength(out.length() - 1);
		out.append("}\n");
		return out.toString();
	}

	private static void writeFactory(ChannelModel channel, String className, StringBuilder out) {
		out.append("\t/**\n\t * Return the channel for the given parameters.\n");
		for (String placeholder : channel.placeholders()) {
			out.append("\t * @param ")
				.append(placeholder)
				.append(" the value of {@code {")
				.append(placeholder)
				.append("}}\n");
		}
		out.append("\t * @return the channel\n");
		out.append("\t * @throws dev.realtime.InvalidChannelException if a value is missing or not allowed\n\t */\n");
		out.append("\tpublic static ")
			.append(className)
			.append(" of(")
			.append(channel.placeholders()
				.stream()
				.map((placeholder) -> "String " + placeholder)
				.collect(Collectors.joining(", ")))
			.append(") {\n");
		if (channel.placeholders().isEmpty()) {
			out.append("\t\treturn new ").append(className).append("(java.util.Map.of());\n");
		}
		else {
			// '$' keeps the local apart from the parameters:
			// placeholders cannot contain it
			out.append("\t\tjava.util.Map<String, String> $parameters = new java.util.LinkedHashMap<>();\n");
			for (String placeholder : channel.placeholders()) {
				out.append("\t\t$parameters.put(\"")
					.append(placeholder)
					.append("\", ")
					.append(placeholder)
					.append(");\n");
			}
			out.append("\t\treturn new ")
				.append(className)
				.append("(java.util.Collections.unmodifiableMap($parameters));\n");
		}
		out.append("\t}\n\n");
	}

	private static void writeChannelMethods(StringBuilder out) {
		out.append("""
					@Override
					public String name() {
						return this.name;
					}

					@Override
					public dev.realtime.ChannelDefinition definition() {
						return DEFINITION;
					}

					@Override
					public java.util.Map<String, String> parameters() {
						return this.parameters;
					}

					// equal to any channel of the same name, such as one resolved through the catalog
					@Override
					public boolean equals(Object other) {
						return (this == other) || ((other instanceof dev.realtime.Channel)
								&& this.name.equals(((dev.realtime.Channel) other).name()));
					}

					@Override
					public int hashCode() {
						return this.name.hashCode();
					}

					@Override
					public String toString() {
						return this.name;
					}

				""");
	}

}
