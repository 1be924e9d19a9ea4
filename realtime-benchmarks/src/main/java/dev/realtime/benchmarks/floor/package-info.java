/**
 * WebFlux's own cost of an open SSE response, the floor of S4.
 */
@NullMarked
package dev.realtime.benchmarks.floor;

import org.jspecify.annotations.NullMarked;
