package dev.realtime.server.webmvc;

import java.lang.reflect.Field;

import jakarta.servlet.ServletResponse;
import jakarta.servlet.ServletResponseWrapper;
import org.apache.catalina.connector.Response;
import org.apache.catalina.connector.ResponseFacade;
import org.apache.coyote.ActionCode;
import org.jspecify.annotations.Nullable;

import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Closes the connection of a response at once, without the bytes it could not send yet,
 * where the container allows it. The Servlet API has no such call: completing an async
 * response whose client stopped reading waits for the container's own timeout (a minute
 * by default on Tomcat), which a stream cut off for its slowness must not. {@link #abort}
 * closes the connection on Tomcat, as Spring's reactive Tomcat adapter reaches Tomcat's
 * response behind its facade; on other containers it does nothing and the container's
 * idle timeout closes the connection.
 *
 * @author Realtime team
 */
final class ServletConnections {

	private static final boolean TOMCAT_PRESENT = ClassUtils.isPresent("org.apache.catalina.connector.ResponseFacade",
			ServletConnections.class.getClassLoader());

	private ServletConnections() {
	}

	/**
	 * Close the connection of a response now, if the container allows it.
	 * @param response the response, possibly wrapped
	 * @return whether the connection is being closed
	 */
	static boolean abort(ServletResponse response) {
		ServletResponse unwrapped = response;
		while (unwrapped instanceof ServletResponseWrapper wrapper) {
			unwrapped = wrapper.getResponse();
		}
		return TOMCAT_PRESENT && Tomcat.abort(unwrapped);
	}

	/**
	 * Tomcat's way, in a class of its own that loads only on Tomcat.
	 */
	private static final class Tomcat {

		private static final @Nullable Field RESPONSE = ReflectionUtils.findField(ResponseFacade.class, "response");

		static {
			if (RESPONSE != null) {
				ReflectionUtils.makeAccessible(RESPONSE);
			}
		}

		private Tomcat() {
		}

		static boolean abort(ServletResponse response) {
			Field field = RESPONSE;
			if (field == null || !(response instanceof ResponseFacade)) {
				return false;
			}
			Object value = ReflectionUtils.getField(field, response);
			if (!(value instanceof Response tomcatResponse)) {
				return false;
			}
			tomcatResponse.getCoyoteResponse().action(ActionCode.CLOSE_NOW, null);
			return true;
		}

	}

}
