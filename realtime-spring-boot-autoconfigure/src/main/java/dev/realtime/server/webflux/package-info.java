/**
 * Spring WebFlux endpoints: token minting, Server-Sent Events, WebSocket, client
 * publishing and the browser client modules.
 */
@NullMarked
package dev.realtime.server.webflux;

import org.jspecify.annotations.NullMarked;
