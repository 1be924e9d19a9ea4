/**
 * The in-memory engine: one node, no external service.
 */
@NullMarked
package dev.realtime.engine.memory;

import org.jspecify.annotations.NullMarked;
