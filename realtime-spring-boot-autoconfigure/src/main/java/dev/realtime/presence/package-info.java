/**
 * Presence: which users are subscribed to the channels that track it, kept where the
 * subscriptions live and shared through the engine's
 * {@link dev.realtime.engine.PresenceStore}.
 */
@NullMarked
package dev.realtime.presence;

import org.jspecify.annotations.NullMarked;
