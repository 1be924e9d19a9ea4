package dev.realtime.engine;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import org.jspecify.annotations.Nullable;

import org.springframework.util.Assert;

/**
 * Whether an engine can publish and deliver now, as health checks report it.
 *
 * @param up whether the engine can publish and deliver
 * @param type a short name of the engine, for example {@code memory} or {@code redis}
 * @param problem why the engine is down, or {@code null} when it is up
 * @param details figures for operators, for example the channels with local subscribers,
 * in the order they are shown
 * @author Realtime team
 * @since 0.1.0
 */
public record EngineHealth(boolean up, String type, @Nullable String problem, Map<String, Object> details) {

	/**
	 * Create a new instance.
	 * @param up whether the engine can publish and deliver
	 * @param type a short name of the engine
	 * @param problem why the engine is down, or {@code null} when it is up
	 * @param details figures for operators
	 */
	public EngineHealth {
		Assert.hasText(type, "'type' must not be empty");
		Assert.isTrue(up == (problem == null), "'problem' must be given exactly when the engine is down");
		details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
	}

	/**
	 * Return the health of an engine that is up.
	 * @param type a short name of the engine
	 * @param details figures for operators
	 * @return the health
	 */
	public static EngineHealth up(String type, Map<String, Object> details) {
		return new EngineHealth(true, type, null, details);
	}

	/**
	 * Return the health of an engine that is down.
	 * @param type a short name of the engine
	 * @param problem why
	 * @param details figures for operators
	 * @return the health
	 */
	public static EngineHealth down(String type, String problem, Map<String, Object> details) {
		Assert.hasText(problem, "'problem' must not be empty");
		return new EngineHealth(false, type, problem, details);
	}

	/**
	 * Return these details with the engine type first, as health endpoints show them.
	 * @return the details
	 */
	public Map<String, Object> describe() {
		Map<String, Object> described = new LinkedHashMap<>();
		described.put("engine", this.type);
		described.putAll(this.details);
		if (this.problem != null) {
			described.put("problem", this.problem);
		}
		return described;
	}

}
