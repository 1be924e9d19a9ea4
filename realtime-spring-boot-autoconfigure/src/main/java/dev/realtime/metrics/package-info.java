/**
 * What the starter counts as it works, kept in plain counters whatever the application's
 * metrics system: connections, subscriptions, deliveries, resumes, publishes, tokens and
 * runs; and its Micrometer observations (the Observation API comes with Spring). Depends
 * on nothing of ours, so that every part of the starter can count and observe; meters
 * read the counters when Micrometer's meter support is present.
 */
@NullMarked
package dev.realtime.metrics;

import org.jspecify.annotations.NullMarked;
