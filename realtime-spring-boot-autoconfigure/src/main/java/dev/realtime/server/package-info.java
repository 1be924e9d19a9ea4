/**
 * The transport-neutral hub of the realtime endpoints: one engine subscription per
 * channel and node, one bounded queue per subscriber, one replay-and-merge path, the open
 * streams with their token expiry and keep-alives, connection limits, and the protocol
 * frames. Transports ({@code server.webflux}, {@code server.webmvc}) adapt it to their
 * web stack; nothing here depends on one.
 */
@NullMarked
package dev.realtime.server;

import org.jspecify.annotations.NullMarked;
