/**
 * Public API of Realtime for Spring Boot: channel declarations, topics, messages and the
 * publisher.
 */
@NullMarked
package dev.realtime;

import org.jspecify.annotations.NullMarked;
