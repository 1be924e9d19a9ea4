/**
 * The engine SPI: moves messages between nodes, assigns their ids and keeps channel
 * history. Designed for remote, asynchronous engines; the in-memory engine is one node.
 */
@NullMarked
package dev.realtime.engine;

import org.jspecify.annotations.NullMarked;
