/**
 * The Responses API served in front of Chat Completions upstreams: {@link
 * dev.responsesrelay.server.responses.RelayHandler} for {@code POST /v1/responses} and the stored
 * responses' {@code GET}/{@code DELETE}, {@link dev.responsesrelay.server.responses.ResponsesWebSocket}
 * for Codex's WebSocket mode, {@link dev.responsesrelay.server.responses.StreamedAnswer} writing the
 * core's events, and the conversation state around them. Not API.
 */
@NullMarked
package dev.responsesrelay.server.responses;

import org.jspecify.annotations.NullMarked;
