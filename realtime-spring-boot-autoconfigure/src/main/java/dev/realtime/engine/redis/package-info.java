/**
 * The Redis engine: many application nodes sharing channel ids, history and live fan-out
 * through the application's Redis.
 */
@NullMarked
package dev.realtime.engine.redis;

import org.jspecify.annotations.NullMarked;
