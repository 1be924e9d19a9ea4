package dev.realtime.server.webflux;

/**
 * What the subscriber of a {@code Flux} output asked for against what the output wrote:
 * the output counts as writable while it is less than {@link #HIGH_WATER} frames ahead of
 * the demand, so that a subscriber that requests one frame at a time still finds the next
 * ones waiting. Used on the output's loop only.
 *
 * @author Realtime team
 */
final class FluxDemand {

	/** How many frames the subscriber may be behind before the output is not writable. */
	static final int HIGH_WATER = 32;

	private long written;

	private long requested;

	/**
	 * Add to the demand.
	 * @param count how many more frames the subscriber asked for
	 */
	void requested(long count) {
		this.requested = (count > Long.MAX_VALUE - this.requested) ? Long.MAX_VALUE : this.requested + count;
	}

	/**
	 * Count a frame written.
	 */
	void written() {
		this.written++;
	}

	/**
	 * Return whether the output may write more.
	 * @return whether fewer than {@link #HIGH_WATER} frames wait beyond the demand
	 */
	boolean isWritable() {
		return this.written - this.requested < HIGH_WATER;
	}

	/**
	 * Return whether frames wait that the subscriber did not ask for.
	 * @return whether more frames were written than requested
	 */
	boolean isBehind() {
		return this.written > this.requested;
	}

}
