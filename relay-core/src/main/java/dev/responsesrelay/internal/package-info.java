/**
 * Implementation of the relay core: the JSON and UTF-8 helpers every stage shares (the configured
 * Jackson factories, field readers, the slicing tree reader that keeps large strings as slices of
 * the request body, the SSE event's UTF-8 bytes). The stages live in the packages below it, in the
 * order of the pipeline: {@code request} (Responses request to Chat request), {@code stream} (Chat
 * chunks to Responses events), with {@code dialect} (provider quirks and their repairs), {@code
 * codex} (what Codex needs that the API does not say), {@code error} (upstream errors to Responses
 * errors), {@code state} and {@code reverse}. Not API: application code should not use the contents
 * of these packages, which may change in any release.
 */
@NullMarked
package dev.responsesrelay.internal;

import org.jspecify.annotations.NullMarked;
