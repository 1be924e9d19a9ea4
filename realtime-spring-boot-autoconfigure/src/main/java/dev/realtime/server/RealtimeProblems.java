package dev.realtime.server;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.realtime.InvalidChannelException;
import dev.realtime.InvalidPayloadException;
import dev.realtime.MessageTooLargeException;
import dev.realtime.PublishException;
import dev.realtime.token.InvalidTokenException;
import dev.realtime.token.TicketsUnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;

/**
 * Turns the errors of the realtime endpoints into the RFC 9457 problems of the wire
 * contract, the same on every web stack, logging each once at the level it deserves:
 * client mistakes at debug, server failures at error. A transport adds what only its web
 * stack raises, such as a body over the size limit, and writes the problem as
 * {@code application/problem+json}.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public final class RealtimeProblems {

	private static final Log logger = LogFactory.getLog(RealtimeProblems.class);

	private RealtimeProblems() {
	}

	/**
	 * Return the problem of an error.
	 * @param ex the error
	 * @return the problem
	 */
	public static ProblemDetail of(Throwable ex) {
		if (ex instanceof InvalidTokenException || ex instanceof AuthenticationRequiredException) {
			return of(HttpStatus.UNAUTHORIZED, message(ex));
		}
		if (ex instanceof ForbiddenException) {
			return of(HttpStatus.FORBIDDEN, message(ex));
		}
		if (ex instanceof InvalidPayloadException invalid) {
			ProblemDetail problem = of(HttpStatus.BAD_REQUEST, "Payload for " + invalid.getTopic() + " is not valid");
			problem.setProperty("errors", errors(invalid));
			return problem;
		}
		if (ex instanceof MessageTooLargeException) {
			return of(HttpStatus.CONTENT_TOO_LARGE, message(ex));
		}
		if (ex instanceof TooManyConnectionsException) {
			return of(HttpStatus.TOO_MANY_REQUESTS, message(ex));
		}
		if (ex instanceof RequestRejectedException rejected) {
			return of(rejected.getStatus(), message(ex));
		}
		if (ex instanceof InvalidChannelException || ex instanceof IllegalArgumentException) {
			return of(HttpStatus.BAD_REQUEST, message(ex));
		}
		if (ex instanceof PublishException || ex instanceof TicketsUnavailableException
				|| ex instanceof UnavailableException) {
			logger.warn(LogMessage.format("Realtime request failed: %s", ex.getMessage()));
			return of(HttpStatus.SERVICE_UNAVAILABLE, message(ex));
		}
		logger.error("Realtime request failed", ex);
		return of(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error");
	}

	/**
	 * Return a problem of a status, logged at debug: the client's mistake.
	 * @param status the status
	 * @param detail what went wrong
	 * @return the problem
	 */
	public static ProblemDetail of(HttpStatus status, String detail) {
		ProblemDetail problem = ProblemDetail.forStatusAndDetail(status, detail);
		if (logger.isDebugEnabled() && status.is4xxClientError()) {
			logger.debug(LogMessage.format("Realtime request rejected: %s %s", status.value(), detail));
		}
		return problem;
	}

	/**
	 * Return the problem of a request body that is not JSON: {@code 415}; the transport
	 * adds {@code Accept: application/json} (RFC 9110).
	 * @return the problem
	 */
	public static ProblemDetail unsupportedMediaType() {
		return of(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "Content-Type must be application/json");
	}

	static String message(Throwable ex) {
		return (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getSimpleName();
	}

	static List<Map<String, String>> errors(InvalidPayloadException ex) {
		return ex.getViolations().stream().map((violation) -> {
			// in this order on the wire, every time
			Map<String, String> error = new LinkedHashMap<>();
			error.put("field", violation.field());
			error.put("message", violation.message());
			return error;
		}).toList();
	}

}
