package dev.responsesrelay.state;

import dev.responsesrelay.internal.state.ResponseObjects;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A response as a {@link ResponseStore} keeps it: what {@link ConversationState#record} produced,
 * and what a store hands back. A store persists the fields as they are and needs to understand none
 * of the JSON.
 *
 * @param id the response id ({@code resp_…})
 * @param scope the client it belongs to (for example a hash of its API key); never shown to clients
 * @param previousResponseId the response this one continued, or null at the start of a chain
 * @param createdAt the response's {@code created_at}, in epoch seconds; retention counts from it
 * @param responseJson the Response object as the client received it, <b>without</b> its {@code
 *     output} array (the output is {@code outputItems}, so it is not kept twice); {@link
 *     #responseObjectJson()} puts it back together
 * @param inputItems this turn's own input items after resolution, each with an id; not the chain's
 * @param outputItems the output items, in order
 */
public record StoredResponse(
        String id,
        String scope,
        @Nullable String previousResponseId,
        long createdAt,
        String responseJson,
        List<StoredItem> inputItems,
        List<StoredItem> outputItems) {
    /** Checks the parts and copies the lists. */
    public StoredResponse {
        Objects.requireNonNull(id, "id == null");
        Objects.requireNonNull(scope, "scope == null");
        Objects.requireNonNull(responseJson, "responseJson == null");
        inputItems = List.copyOf(inputItems);
        outputItems = List.copyOf(outputItems);
    }

    /** The whole Response object, {@code output} included, as {@code GET /v1/responses/{id}} returns it. */
    public String responseObjectJson() {
        return ResponseObjects.withOutput(responseJson, outputItems);
    }

    /**
     * Roughly how many bytes this response occupies: the lengths of its JSON texts. Stores use it for
     * their bounds; it is the same figure {@link ConversationState} compares with its size cap.
     */
    public long approximateBytes() {
        long bytes = (long) id.length() + scope.length() + responseJson.length();
        for (StoredItem item : inputItems) {
            bytes += (long) item.id().length() + item.json().length();
        }
        for (StoredItem item : outputItems) {
            bytes += (long) item.id().length() + item.json().length();
        }
        return bytes;
    }
}
