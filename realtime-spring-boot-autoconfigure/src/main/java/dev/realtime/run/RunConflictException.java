package dev.realtime.run;

/**
 * Ends a run on this node without publishing: a run with the same id holds a lease on
 * another node.
 *
 * @author Realtime team
 */
final class RunConflictException extends IllegalStateException {

	RunConflictException(String message) {
		super(message);
	}

}
