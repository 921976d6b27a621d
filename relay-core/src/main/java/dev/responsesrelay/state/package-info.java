/**
 * Conversation state for embedders: a {@link dev.responsesrelay.state.ResponseStore} the embedding
 * server supplies (or the bounded {@link dev.responsesrelay.state.InMemoryResponseStore}), and
 * {@link dev.responsesrelay.state.ConversationState}, which resolves {@code previous_response_id}
 * and {@code item_reference} against it before {@code translate} and records a response after its
 * terminal event. Like the rest of the core it does no I/O of its own: the store does, on whatever
 * thread the caller picks.
 *
 * <p>Semantics follow OpenAI's documentation as summarised in the repository's {@code
 * docs/state.md}: {@code store} defaults to true, {@code instructions} are not carried over a
 * chain, an unknown id is a 400 {@code previous_response_not_found}.
 */
@NullMarked
package dev.responsesrelay.state;

import org.jspecify.annotations.NullMarked;
