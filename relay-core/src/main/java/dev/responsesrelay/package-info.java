/**
 * Public API of the Responses Relay core: translates an OpenAI Responses API exchange into a Chat
 * Completions exchange and back, as pure functions with no I/O.
 *
 * <p>Start at {@link dev.responsesrelay.ResponsesTranslator}. Everything under {@code
 * dev.responsesrelay.internal} is implementation detail and may change in any release.
 */
@NullMarked
package dev.responsesrelay;

import org.jspecify.annotations.NullMarked;
