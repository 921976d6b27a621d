package dev.responsesrelay.internal;

import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.ProviderProfile;

/** Maps a Responses API request body to a Chat Completions request body. */
public final class RequestMapper {
    private RequestMapper() {}

    /**
     * Maps one request body.
     *
     * @throws dev.responsesrelay.InvalidRequestException naming the JSON path of what is wrong
     */
    public static MappedRequest map(byte[] responsesRequestUtf8, ProviderProfile provider, IdGenerator ids) {
        throw new UnsupportedOperationException("TODO(request mapper)");
    }
}
