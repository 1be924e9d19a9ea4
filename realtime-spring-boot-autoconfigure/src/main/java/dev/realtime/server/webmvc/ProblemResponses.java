package dev.realtime.server.webmvc;

import java.util.List;

import dev.realtime.server.RealtimeProblems;

import org.springframework.core.io.buffer.DataBufferLimitException;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.web.server.UnsupportedMediaTypeStatusException;
import org.springframework.web.servlet.function.ServerResponse;

/**
 * Writes the errors of the realtime endpoints as {@code application/problem+json}
 * responses: the {@link RealtimeProblems problems} of the wire contract, and those of
 * reading a request body.
 *
 * @author Realtime team
 */
final class ProblemResponses {

	private ProblemResponses() {
	}

	static ServerResponse of(HttpStatus status, String detail) {
		return respond(RealtimeProblems.of(status, detail));
	}

	static ServerResponse of(Throwable ex) {
		if (ex instanceof DataBufferLimitException) {
			String message = ex.getMessage();
			return of(HttpStatus.CONTENT_TOO_LARGE, (message != null) ? message : "Request body is too large");
		}
		if (ex instanceof UnsupportedMediaTypeStatusException) {
			// RFC 9110: the Accept header of a 415 says what would have been accepted
			return ServerResponse.status(HttpStatus.UNSUPPORTED_MEDIA_TYPE)
				.contentType(MediaType.APPLICATION_PROBLEM_JSON)
				.headers((headers) -> headers.setAccept(List.of(MediaType.APPLICATION_JSON)))
				.body(RealtimeProblems.unsupportedMediaType());
		}
		return respond(RealtimeProblems.of(ex));
	}

	private static ServerResponse respond(ProblemDetail problem) {
		return ServerResponse.status(problem.getStatus()).contentType(MediaType.APPLICATION_PROBLEM_JSON).body(problem);
	}

}
