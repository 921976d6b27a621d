/**
 * The reverse direction: the Chat Completions API ({@code POST /v1/chat/completions}) served in front
 * of a Responses upstream over HTTP or the local Codex CLI ({@link
 * dev.responsesrelay.server.chat.ChatUpstream}). Not API.
 */
@NullMarked
package dev.responsesrelay.server.chat;

import org.jspecify.annotations.NullMarked;
