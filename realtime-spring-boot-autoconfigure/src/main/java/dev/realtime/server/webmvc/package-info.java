/**
 * Spring MVC endpoints on the {@link dev.realtime.server.RealtimeHub}: token minting,
 * Server-Sent Events on async Servlet, WebSocket through Spring's servlet WebSocket
 * support, client publishing, run cancelling and the browser client modules.
 */
@NullMarked
package dev.realtime.server.webmvc;

import org.jspecify.annotations.NullMarked;
