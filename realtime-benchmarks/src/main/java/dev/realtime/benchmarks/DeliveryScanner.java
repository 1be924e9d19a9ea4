package dev.realtime.benchmarks;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Finds the {@code "t":<micros>} stamps in the bytes of one connection, however the
 * stream is split into buffers, and records a delivery for each. Cheaper than parsing SSE
 * or JSON, so that the load generator stays out of the measurement.
 *
 * @author Realtime team
 * @since 0.1.0
 */
final class DeliveryScanner implements ByteProcessor {

	private static final byte[] MARKER = { '"', 't', '"', ':' };

	private final Deliveries deliveries;

	private int matched;

	private long value;

	private long now;

	DeliveryScanner(Deliveries deliveries) {
		this.deliveries = deliveries;
	}

	/**
	 * Scan the next bytes of the connection.
	 * @param buffer the bytes
	 */
	void scan(ByteBuf buffer) {
		this.now = Payloads.micros();
		buffer.forEachByte(this);
	}

	@Override
	public boolean process(byte b) {
		if (this.matched < MARKER.length) {
			this.matched = (b == MARKER[this.matched]) ? this.matched + 1 : ((b == MARKER[0]) ? 1 : 0);
		}
		else if (b >= '0' && b <= '9') {
			this.value = this.value * 10 + (b - '0');
		}
		else {
			this.deliveries.delivered(this.now - this.value);
			this.matched = 0;
			this.value = 0;
		}
		return true;
	}

}
