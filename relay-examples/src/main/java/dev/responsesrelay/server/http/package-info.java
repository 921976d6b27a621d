/**
 * The HTTP transport both directions share, on Jetty 12 core (no servlets): the Host/Origin guard,
 * client keys, memory admission and the asynchronous body read, SSE writing with its first-byte
 * window, OpenAI-shaped error answers, the access log and {@code --record}. Not API.
 */
@NullMarked
package dev.responsesrelay.server.http;

import org.jspecify.annotations.NullMarked;
