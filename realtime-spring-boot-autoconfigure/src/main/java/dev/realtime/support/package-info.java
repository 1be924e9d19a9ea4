/**
 * The default implementation of publishing and server-side subscribing: payload encoding,
 * validation and size limits on top of a {@link dev.realtime.engine.RealtimeEngine}.
 */
@NullMarked
package dev.realtime.support;

import org.jspecify.annotations.NullMarked;
