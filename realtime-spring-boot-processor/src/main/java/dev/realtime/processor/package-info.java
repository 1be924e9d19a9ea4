/**
 * Compile-time support for {@code @RealtimeChannel} interfaces: checks, generated channel
 * factories, the channel catalog and TypeScript declarations. The processor refers to the
 * Realtime API by name only, so that it has no runtime dependency besides the JDK.
 */
@NullMarked
package dev.realtime.processor;

import org.jspecify.annotations.NullMarked;
