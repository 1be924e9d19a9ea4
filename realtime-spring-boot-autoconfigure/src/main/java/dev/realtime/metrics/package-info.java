/**
 * What the starter counts as it works, kept in plain counters whatever the application's
 * metrics system: connections, subscriptions, deliveries, resumes, publishes and tokens.
 * Depends on nothing of ours, so that every part of the starter can count; Micrometer
 * meters read the counters when Micrometer is present.
 */
@NullMarked
package dev.realtime.metrics;

import org.jspecify.annotations.NullMarked;
