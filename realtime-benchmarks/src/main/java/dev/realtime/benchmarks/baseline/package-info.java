/**
 * The hand-written Spring WebFlux baseline: a multicast sink per channel, no tokens, no
 * history.
 */
@NullMarked
package dev.realtime.benchmarks.baseline;

import org.jspecify.annotations.NullMarked;
