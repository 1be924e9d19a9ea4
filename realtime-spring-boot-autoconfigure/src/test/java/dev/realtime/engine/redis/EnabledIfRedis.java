package dev.realtime.engine.redis;

import java.io.IOException;
import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.net.InetSocketAddress;
import java.net.Socket;

import org.junit.jupiter.api.extension.ConditionEvaluationResult;
import org.junit.jupiter.api.extension.ExecutionCondition;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the annotated tests only when Redis answers on 127.0.0.1:6379, and otherwise skips
 * them with a message; with the system property {@code realtime.test.redis.required=true}
 * (set by CI) a missing Redis fails them instead.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(EnabledIfRedis.Condition.class)
public @interface EnabledIfRedis {

	/** The host of the shared test Redis. */
	String HOST = "127.0.0.1";

	/** The port of the shared test Redis. */
	int PORT = 6379;

	/**
	 * The condition.
	 */
	class Condition implements ExecutionCondition {

		@Override
		public ConditionEvaluationResult evaluateExecutionCondition(ExtensionContext context) {
			try (Socket socket = new Socket()) {
				socket.connect(new InetSocketAddress(EnabledIfRedis.HOST, EnabledIfRedis.PORT), 500);
				return ConditionEvaluationResult
					.enabled("Redis is reachable on " + EnabledIfRedis.HOST + ":" + EnabledIfRedis.PORT);
			}
			catch (IOException ex) {
				String message = "No Redis on " + EnabledIfRedis.HOST + ":" + EnabledIfRedis.PORT + " ("
						+ ex.getMessage() + ")";
				if (Boolean.getBoolean("realtime.test.redis.required")) {
					throw new IllegalStateException(message + " but realtime.test.redis.required=true");
				}
				return ConditionEvaluationResult.disabled(message + ": skipping the Redis tests");
			}
		}

	}

}
