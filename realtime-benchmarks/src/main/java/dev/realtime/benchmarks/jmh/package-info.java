/**
 * JMH benchmarks of the starter's hot paths.
 */
@NullMarked
package dev.realtime.benchmarks.jmh;

import org.jspecify.annotations.NullMarked;
