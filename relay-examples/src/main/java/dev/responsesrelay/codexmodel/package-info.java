/**
 * "Codex as a model": runs the Codex CLI ({@code codex exec --json}) once per request and turns what
 * it prints into Responses API stream events, so that a relay can offer the local Codex agent to Chat
 * Completions clients as a model (for example {@code codex-local}).
 *
 * <p>API: {@link dev.responsesrelay.codexmodel.CodexModelUpstream}, {@link
 * dev.responsesrelay.codexmodel.CodexExecution} and {@link
 * dev.responsesrelay.codexmodel.ResponsesEventListener}. Everything else is package-private
 * implementation.
 */
@NullMarked
package dev.responsesrelay.codexmodel;

import org.jspecify.annotations.NullMarked;
