package dev.responsesrelay.internal.state;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** What {@link RequestResolver} made of a request. Not a record: its body is an array. */
public final class Resolution {
    private final byte[] body;
    private final boolean store;
    private final @Nullable String previousResponseId;
    private final List<ObjectNode> ownInput;
    private final boolean usedStore;

    /**
     * @param body the body to translate: the original bytes when nothing was resolved
     * @param store whether the response is to be recorded ({@code store} is not {@code false} and
     *     the body could be read)
     * @param previousResponseId the {@code previous_response_id} the request named, or null
     * @param ownInput this turn's input items after resolution, before the chain was put in front
     * @param usedStore whether the store was read (a chain or an item was looked up)
     */
    Resolution(
            byte[] body,
            boolean store,
            @Nullable String previousResponseId,
            List<ObjectNode> ownInput,
            boolean usedStore) {
        this.body = body;
        this.store = store;
        this.previousResponseId = previousResponseId;
        this.ownInput = List.copyOf(ownInput);
        this.usedStore = usedStore;
    }

    /** The body to translate; shared, not copied. */
    public byte[] body() {
        return body;
    }

    public boolean store() {
        return store;
    }

    public @Nullable String previousResponseId() {
        return previousResponseId;
    }

    public List<ObjectNode> ownInput() {
        return ownInput;
    }

    public boolean usedStore() {
        return usedStore;
    }
}
