package dev.realtime.run;

import java.time.Duration;

import dev.realtime.RealtimeException;

/**
 * Thrown by {@link Run#awaitReply(dev.realtime.Topic, Duration)} when no reply arrived in
 * time. The run may handle it, for example by completing without approval.
 *
 * @author Realtime team
 * @since 0.1.0
 */
public class ReplyTimeoutException extends RealtimeException {

	/**
	 * Create a new instance.
	 * @param runId the run that waited
	 * @param topic the topic it waited on
	 * @param timeout how long it waited
	 */
	public ReplyTimeoutException(String runId, String topic, Duration timeout) {
		super("Run '" + runId + "' got no reply on '" + topic + "' within " + timeout);
	}

}
