/**
 * Implementation of the reverse direction: Chat Completions requests translated to Responses API
 * requests, and Responses answers translated back to {@code chat.completion} objects and {@code
 * chat.completion.chunk} streams. Not API: application code should use {@link
 * dev.responsesrelay.ChatCompletionsTranslator}; the contents of this package may change in any
 * release.
 */
@NullMarked
package dev.responsesrelay.internal.reverse;

import org.jspecify.annotations.NullMarked;
