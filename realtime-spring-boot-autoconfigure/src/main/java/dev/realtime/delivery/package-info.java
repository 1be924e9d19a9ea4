/**
 * Delivery of each channel's messages to the subscribers of this node, for every
 * transport and for Java subscribers: one engine listener per channel and node, one
 * bounded queue per subscriber, and the one path that replays a subscriber's history and
 * merges it with the live messages. Depends on the engine, never on a web stack.
 */
@NullMarked
package dev.realtime.delivery;

import org.jspecify.annotations.NullMarked;
