/**
 * Spring Boot Actuator support: the engine's health.
 */
@NullMarked
package dev.realtime.actuate;

import org.jspecify.annotations.NullMarked;
