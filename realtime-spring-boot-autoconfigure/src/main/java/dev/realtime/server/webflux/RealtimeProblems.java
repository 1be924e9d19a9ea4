package dev.realtime.server.webflux;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

import dev.realtime.InvalidChannelException;
import dev.realtime.InvalidPayloadException;
import dev.realtime.MessageTooLargeException;
import dev.realtime.PublishException;
import dev.realtime.token.InvalidTokenException;
import dev.realtime.token.TicketsUnavailableException;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.core.publisher.Mono;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.core.log.LogMessage;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.reactive.function.server.ServerResponse;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;

/**
 * Turns the errors of the realtime endpoints into RFC 9457 problem responses, logging
 * each once at the level it deserves: client mistakes at debug, server failures at error.
 *
 * @author Realtime team
 */
final class RealtimeProblems {

	private static final Log logger = LogFactory.getLog(RealtimeProblems.class);

	private RealtimeProblems() {
	}

	static Mono<ServerResponse> of(HttpStatus status, String detail) {
		return respond(ProblemDetail.forStatusAndDetail(status, detail));
	}

	static Mono<ServerResponse> of(Throwable ex) {
		if (ex instanceof InvalidTokenException) {
			return of(HttpStatus.UNAUTHORIZED, message(ex));
		}
		if (ex instanceof ForbiddenException) {
			return of(HttpStatus.FORBIDDEN, message(ex));
		}
		if (ex instanceof InvalidPayloadException invalid) {
			ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
					"Payload for " + invalid.getTopic() + " is not valid");
			problem.setProperty("errors", errors(invalid));
			return respond(problem);
		}
		if (ex instanceof MessageTooLargeException || ex instanceof DataBufferLimitException) {
			return of(HttpStatus.CONTENT_TOO_LARGE, message(ex));
		}
		if (ex instanceof UnsupportedMediaTypeStatusException) {
			// RFC 9110: the Accept header of a 415 says what would have been accepted
			return respond(
					ProblemDetail.forStatusAndDetail(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
							"Content-Type must be application/json"),
					(headers) -> headers.setAccept(List.of(MediaType.APPLICATION_JSON)));
		}
		if (ex instanceof TooManyConnectionsException) {
			return of(HttpStatus.TOO_MANY_REQUESTS, message(ex));
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

	private static Mono<ServerResponse> respond(ProblemDetail problem) {
		return respond(problem, (headers) -> {
		});
	}

	private static Mono<ServerResponse> respond(ProblemDetail problem, Consumer<HttpHeaders> headers) {
		if (logger.isDebugEnabled()) {
			logger
				.debug(LogMessage.format("Realtime request rejected: %s %s", problem.getStatus(), problem.getDetail()));
		}
		return ServerResponse.status(problem.getStatus())
			.contentType(MediaType.APPLICATION_PROBLEM_JSON)
			.headers(headers)
			.bodyValue(problem);
	}

}
