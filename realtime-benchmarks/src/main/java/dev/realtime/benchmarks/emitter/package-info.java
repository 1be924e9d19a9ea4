/**
 * The hand-written Spring MVC baseline: an {@code SseEmitter} per subscriber in a list
 * per channel, no tokens, no history, no WebSocket.
 */
@NullMarked
package dev.realtime.benchmarks.emitter;

import org.jspecify.annotations.NullMarked;
