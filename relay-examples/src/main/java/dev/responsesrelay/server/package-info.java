/**
 * The relay server, the product this module builds ({@code relay-server.jar}): {@link
 * dev.responsesrelay.server.Main} (the command line and its subcommands), {@link
 * dev.responsesrelay.server.ServerOptions} (flags and environment), {@link
 * dev.responsesrelay.server.RelayServer} (the Jetty 12 set-up: handlers, WebSocket, store, metrics).
 * Below it, one package per part of the pipeline a request crosses: {@code http} (the transport both
 * directions share: access guard, admission, body reading, SSE writing, access log, recording),
 * {@code responses} (the Responses API served in front of Chat Completions upstreams, over HTTP and
 * WebSocket), {@code chat} (the Chat Completions API served in front of a Responses upstream or the
 * local Codex CLI), and {@code config}, {@code routing}, {@code metrics}. Not a library API.
 */
@NullMarked
package dev.responsesrelay.server;

import org.jspecify.annotations.NullMarked;
