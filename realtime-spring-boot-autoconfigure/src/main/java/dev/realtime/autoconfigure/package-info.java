/**
 * Auto-configuration for Realtime for Spring Boot.
 */
@NullMarked
package dev.realtime.autoconfigure;

import org.jspecify.annotations.NullMarked;
