package dev.realtime.server;

import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FramesRuntimeHints}.
 *
 * @author Realtime team
 */
class FramesRuntimeHintsTests {

	@Test
	void registrarIsListedInAotFactories() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).hasAtLeastOneElementOfType(FramesRuntimeHints.class);
	}

	@Test
	void whenRegisteredThenEveryFrameRecordCanBeWrittenThroughReflection() {
		RuntimeHints hints = new RuntimeHints();
		new FramesRuntimeHints().registerHints(hints, getClass().getClassLoader());
		List<Class<?>> records = Arrays.stream(Frames.class.getDeclaredClasses()).filter(Class::isRecord).toList();
		assertThat(records).contains(Frames.SubscribedFrame.class, Frames.ErrorFrame.class, Frames.PongFrame.class,
				Frames.SubscribedEvent.class, Frames.ExpiredEvent.class, Frames.ErrorEvent.class);
		for (Class<?> frame : records) {
			for (RecordComponent component : frame.getRecordComponents()) {
				assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(component.getAccessor()))
					.as(frame.getSimpleName() + "." + component.getName())
					.accepts(hints);
			}
		}
	}

}
