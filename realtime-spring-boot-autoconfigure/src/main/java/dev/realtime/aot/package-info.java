/**
 * Ahead-of-time support: the runtime hints of what the library loads reflectively or from
 * the class path, for native images and AOT-processed applications.
 */
@NullMarked
package dev.realtime.aot;

import org.jspecify.annotations.NullMarked;
