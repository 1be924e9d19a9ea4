/**
 * Stream tickets in Redis, usable once across the nodes that share it.
 */
@NullMarked
package dev.realtime.token.redis;

import org.jspecify.annotations.NullMarked;
