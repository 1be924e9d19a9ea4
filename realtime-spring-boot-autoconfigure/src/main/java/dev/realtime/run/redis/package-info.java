/**
 * Durable-step records of runs kept in Redis, shared by every node.
 */
@NullMarked
package dev.realtime.run.redis;

import org.jspecify.annotations.NullMarked;
