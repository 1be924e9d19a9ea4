/**
 * Runs: long work bound to a channel, with retries, durable publish-once steps, a
 * lifecycle that clients see as {@code runStatus} and {@code result}, and replies from
 * humans in the loop. {@link dev.realtime.run.RunMemoStore} is the SPI that remembers
 * durable steps across retries.
 */
@NullMarked
package dev.realtime.run;

import org.jspecify.annotations.NullMarked;
