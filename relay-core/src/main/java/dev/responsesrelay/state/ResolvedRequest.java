package dev.responsesrelay.state;

import dev.responsesrelay.internal.state.Resolution;
import java.util.Optional;

/**
 * A request after {@link ConversationState#resolve}: the body to hand to {@code translate}, and
 * what {@link ConversationState#record} needs once the response is over. Immutable.
 */
public final class ResolvedRequest {
    final Resolution resolution;
    final String scope;

    ResolvedRequest(Resolution resolution, String scope) {
        this.resolution = resolution;
        this.scope = scope;
    }

    /**
     * The request body to translate: without {@code previous_response_id}, with the chain's items in
     * front of the input and every {@code item_reference} replaced by its item. The original bytes
     * when nothing needed resolving.
     */
    public byte[] body() {
        return resolution.body();
    }

    /** Whether the response is to be stored: {@code store} was not {@code false}. */
    public boolean store() {
        return resolution.store();
    }

    /** Whether resolving read the store (so the request could not have been served without it). */
    public boolean usedStore() {
        return resolution.usedStore();
    }

    /** The {@code previous_response_id} the request named. */
    public Optional<String> previousResponseId() {
        return Optional.ofNullable(resolution.previousResponseId());
    }

    /** The client scope the request was resolved under. */
    public String scope() {
        return scope;
    }
}
