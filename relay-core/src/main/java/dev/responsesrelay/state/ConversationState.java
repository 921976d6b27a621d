package dev.responsesrelay.state;

import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.internal.state.RequestResolver;
import dev.responsesrelay.internal.state.ResponseObjects;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Conversation state around a translator: {@link #resolve} before {@code translate}, {@link
 * #record} after the terminal event, and the three read endpoints ({@code GET}/{@code DELETE
 * /v1/responses/{id}}, {@code GET …/input_items}). Pure: all I/O is the {@link ResponseStore}'s,
 * on the caller's thread.
 *
 * <pre>{@code
 * ConversationState state = ConversationState.builder(store).build();
 * ResolvedRequest resolved = state.resolve(body, scope);        // 400 / 503 as RelayException
 * Translation t = translator.translate(resolved.body());
 * // ... stream the answer; once the terminal event is sent, off the stream's path:
 * state.record(resolved, terminalResponseJson);
 * }</pre>
 *
 * <p>{@code scope} is the client's identity, for example a hash of its API key: a response is
 * visible only under the scope that created it. Thread-safe.
 */
public final class ConversationState {
    /** What {@link #record} did. */
    public enum RecordOutcome {
        /** The response is stored. */
        STORED,
        /** The request said {@code store: false}: nothing was kept. */
        NOT_REQUESTED,
        /** Larger than {@link Builder#maxStoredBytes}: nothing was kept. */
        TOO_LARGE,
        /** The text given was not a Response object: nothing was kept. */
        NOT_A_RESPONSE
    }

    private final ResponseStore store;
    private final IdGenerator ids;
    private final long maxStoredBytes;
    private final int maxChainLength;

    private ConversationState(Builder builder) {
        this.store = builder.store;
        this.ids = builder.ids;
        this.maxStoredBytes = builder.maxStoredBytes;
        this.maxChainLength = builder.maxChainLength;
    }

    /** A builder over {@code store}. */
    public static Builder builder(ResponseStore store) {
        return new Builder(store);
    }

    /** The store this state reads and writes. */
    public ResponseStore store() {
        return store;
    }

    /**
     * Resolves {@code previous_response_id} and item references in a Responses request body.
     *
     * @throws RelayException a 400 ({@code previous_response_not_found}, or an item not found naming
     *     its JSON path) or a 503 ({@link StoreUnavailableException}) to answer with
     */
    public ResolvedRequest resolve(byte[] responsesRequestUtf8, String scope) {
        Objects.requireNonNull(responsesRequestUtf8, "responsesRequestUtf8 == null");
        Objects.requireNonNull(scope, "scope == null");
        return new ResolvedRequest(RequestResolver.resolve(responsesRequestUtf8, scope, store, maxChainLength), scope);
    }

    /**
     * Records a finished response: call it after the terminal event ({@code response.completed} or
     * {@code response.incomplete}) has been sent, with that event's data or its {@code response}
     * object, or with the body of a non-streamed answer.
     *
     * @throws StoreUnavailableException if the store cannot be written; the caller logs it
     */
    public RecordOutcome record(ResolvedRequest request, String responseObjectJson) {
        Objects.requireNonNull(request, "request == null");
        Objects.requireNonNull(responseObjectJson, "responseObjectJson == null");
        if (!request.store()) {
            return RecordOutcome.NOT_REQUESTED;
        }
        if (ResponseObjects.inputBytes(request.resolution) > maxStoredBytes) {
            // Checked before the stored copies are made: a screenshot's input, written as the text a
            // store keeps, briefly costs about three times its size on the heap (issue 18).
            return RecordOutcome.TOO_LARGE;
        }
        StoredResponse stored = ResponseObjects.toStored(request.resolution, request.scope, responseObjectJson, ids);
        if (stored == null) {
            return RecordOutcome.NOT_A_RESPONSE;
        }
        if (stored.approximateBytes() > maxStoredBytes) {
            return RecordOutcome.TOO_LARGE;
        }
        store.put(stored);
        return RecordOutcome.STORED;
    }

    /** {@code GET /v1/responses/{id}}: the stored Response object. */
    public String retrieve(String scope, String responseId) {
        return find(scope, responseId).responseObjectJson();
    }

    /** {@code DELETE /v1/responses/{id}}: OpenAI's deletion object. */
    public String delete(String scope, String responseId) {
        if (!store.delete(scope, responseId)) {
            throw notFound(responseId);
        }
        // The shape of OpenAI's reference example (docs/state.md §1.6); the SDKs do not read it.
        return "{\"id\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(responseId)
                + ",\"object\":\"response\",\"deleted\":true}";
    }

    /**
     * {@code GET /v1/responses/{id}/input_items}, with the query parameters as sent (null when
     * absent): {@code order} {@code asc} or {@code desc} (the default), {@code limit} 1 to 100
     * (default 20), {@code after} an item id. The list is this response's own input, as stored.
     */
    public String inputItems(
            String scope, String responseId, @Nullable String order, @Nullable String limit, @Nullable String after) {
        boolean ascending;
        if (order == null || order.equals("desc")) {
            ascending = false;
        } else if (order.equals("asc")) {
            ascending = true;
        } else {
            throw new InvalidRequestException("order must be asc or desc", "order");
        }
        int pageSize = 20;
        if (limit != null) {
            try {
                pageSize = Integer.parseInt(limit);
            } catch (NumberFormatException e) {
                pageSize = -1;
            }
            if (pageSize < 1 || pageSize > 100) {
                throw new InvalidRequestException("limit must be an integer from 1 to 100", "limit");
            }
        }
        return ResponseObjects.inputItemsPage(find(scope, responseId), ascending, pageSize, after);
    }

    private StoredResponse find(String scope, String responseId) {
        return store.get(scope, responseId).orElseThrow(() -> notFound(responseId));
    }

    private static RelayException notFound(String responseId) {
        return new RelayException(RelayError.of(
                404, "invalid_request_error", null, "Response with id '" + responseId + "' not found.", null, null));
    }

    /** Builds a {@link ConversationState}. */
    public static final class Builder {
        private final ResponseStore store;
        private IdGenerator ids = IdGenerator.random();
        private long maxStoredBytes = 32L * 1024 * 1024;
        private int maxChainLength = 10_000;

        private Builder(ResponseStore store) {
            this.store = Objects.requireNonNull(store, "store == null");
        }

        /** Mints ids for stored input items that came without one; random by default. */
        public Builder idGenerator(IdGenerator ids) {
            this.ids = Objects.requireNonNull(ids, "ids == null");
            return this;
        }

        /**
         * The largest response kept, by {@link StoredResponse#approximateBytes()}; 32 MiB by
         * default (base64 images make responses large). A larger one is not stored, {@link #record}
         * says {@link RecordOutcome#TOO_LARGE}, and a later request naming it gets {@code
         * previous_response_not_found}, so the client resends the whole conversation.
         */
        public Builder maxStoredBytes(long maxStoredBytes) {
            if (maxStoredBytes < 1) {
                throw new IllegalArgumentException("maxStoredBytes must be positive");
            }
            this.maxStoredBytes = maxStoredBytes;
            return this;
        }

        /**
         * The longest chain {@code previous_response_id} follows; 10 000 by default. A longer one is
         * answered with {@code previous_response_not_found} rather than cut short.
         */
        public Builder maxChainLength(int maxChainLength) {
            if (maxChainLength < 1) {
                throw new IllegalArgumentException("maxChainLength must be positive");
            }
            this.maxChainLength = maxChainLength;
            return this;
        }

        /** Returns the state. */
        public ConversationState build() {
            return new ConversationState(this);
        }
    }
}
