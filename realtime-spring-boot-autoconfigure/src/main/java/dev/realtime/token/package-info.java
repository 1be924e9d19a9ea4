/**
 * Subscription tokens: short-lived signed grants to read (and publish to) topics of one
 * channel, and the application's rules that decide who may have one.
 */
@NullMarked
package dev.realtime.token;

import org.jspecify.annotations.NullMarked;
