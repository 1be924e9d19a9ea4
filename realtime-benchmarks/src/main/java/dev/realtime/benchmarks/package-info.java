/**
 * Benchmark harness: a load generator opening many SSE and WebSocket subscriptions over
 * loopback, the servers under test and the runner that compares them.
 */
@NullMarked
package dev.realtime.benchmarks;

import org.jspecify.annotations.NullMarked;
