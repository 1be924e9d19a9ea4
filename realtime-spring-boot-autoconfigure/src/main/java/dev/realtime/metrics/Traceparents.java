package dev.realtime.metrics;

import io.micrometer.observation.Observation;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.TraceContext;
import io.micrometer.tracing.handler.TracingObservationHandler;
import org.jspecify.annotations.Nullable;

/**
 * The W3C {@code traceparent} of an observation that Micrometer Tracing made a span of,
 * for the envelope of the message it published. Only loaded when Micrometer Tracing is on
 * the class path.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class Traceparents {

	private static final String ZEROS = "0000000000000000";

	private Traceparents() {
	}

	/**
	 * Return the version-00 {@code traceparent} of an observation's span: its trace id (a
	 * 64-bit id padded to 128 bits), its span id as the parent id, and whether it is
	 * sampled.
	 * @param observation the observation
	 * @return the traceparent, or {@code null} when the observation is no span or its ids
	 * are not W3C ids
	 */
	public static @Nullable String of(Observation observation) {
		TracingObservationHandler.TracingContext tracing = observation.getContext()
			.get(TracingObservationHandler.TracingContext.class);
		Span span = (tracing != null) ? tracing.getSpan() : null;
		if (span == null || span.isNoop()) {
			return null;
		}
		TraceContext context = span.context();
		String traceId = context.traceId();
		String spanId = context.spanId();
		if (traceId.length() == 16) {
			traceId = ZEROS + traceId;
		}
		if (!isId(traceId, 32) || !isId(spanId, 16)) {
			return null;
		}
		return "00-" + traceId + "-" + spanId + "-" + (Boolean.TRUE.equals(context.sampled()) ? "01" : "00");
	}

	// lower-case hex of the given length, not all zeros (W3C: an invalid id)
	private static boolean isId(String id, int length) {
		if (id.length() != length) {
			return false;
		}
		boolean zeros = true;
		for (int i = 0; i < length; i++) {
			char c = id.charAt(i);
			if ((c < '0' || c > '9') && (c < 'a' || c > 'f')) {
				return false;
			}
			zeros &= (c == '0');
		}
		return !zeros;
	}

}
