package dev.realtime.server;

import java.util.Arrays;

import org.jspecify.annotations.Nullable;

import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;

/**
 * Runtime hints for the records of {@link Frames}, which the application's mapper writes
 * through reflection, in a native image too.
 *
 * @author Realtime team
 */
final class FramesRuntimeHints implements RuntimeHintsRegistrar {

	private final BindingReflectionHintsRegistrar bindings = new BindingReflectionHintsRegistrar();

	@Override
	public void registerHints(RuntimeHints hints, @Nullable ClassLoader classLoader) {
		this.bindings.registerReflectionHints(hints.reflection(),
				Arrays.stream(Frames.class.getDeclaredClasses()).filter(Class::isRecord).toArray(Class<?>[]::new));
	}

}
