/**
 * The server under test built with the starter.
 */
@NullMarked
package dev.realtime.benchmarks.starter;

import org.jspecify.annotations.NullMarked;
