/**
 * The README's five-minute guide as a Spring MVC application.
 */
@NullMarked
package dev.realtime.guide.mvc;

import org.jspecify.annotations.NullMarked;
