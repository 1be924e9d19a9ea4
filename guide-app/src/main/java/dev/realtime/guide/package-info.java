/**
 * The README's five-minute guide as an application.
 */
@NullMarked
package dev.realtime.guide;

import org.jspecify.annotations.NullMarked;
