package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.openai.core.ObjectMappers;
import com.openai.helpers.ResponseAccumulator;
import com.openai.models.responses.Response;
import com.openai.models.responses.ResponseError;
import com.openai.models.responses.ResponseStreamEvent;
import dev.responsesrelay.SseEvent;
import java.util.List;
import java.util.Optional;

/**
 * Feeds a stream to the official SDK, openai-java: every event's data must parse as a {@link
 * ResponseStreamEvent} and pass {@code validate()} (which requires every field the SDK marks
 * required), and the events must accumulate in {@link ResponseAccumulator} (with snapshots, so the
 * accumulator also rebuilds the response from the item events) into a valid {@link Response}.
 *
 * <p>One liberty: {@code response.error.code} is an enum in the SDK that lacks codes Codex acts on
 * ({@code context_length_exceeded}, {@code insufficient_quota}). The SDK reads unknown codes fine;
 * only {@code validate()} rejects them, so a failed response is validated with its code swapped for
 * {@code server_error}, and the real code is checked to be a non-empty string.
 *
 * <p>Public so that tests in other packages (the fixture replay) share the one conformance check.
 */
public final class OpenAiJavaConformance {
    private OpenAiJavaConformance() {}

    /** Returns the accumulated response after checking everything above. */
    public static Response assertAccepted(List<SseEvent> events) {
        ResponseAccumulator accumulator = ResponseAccumulator.createWithSnapshots();
        for (int i = 0; i < events.size(); i++) {
            SseEvent event = events.get(i);
            ResponseStreamEvent parsed;
            try {
                parsed = ObjectMappers.jsonMapper().readValue(event.data(), ResponseStreamEvent.class);
            } catch (JsonProcessingException e) {
                throw new AssertionError("openai-java cannot read event " + i + ": " + event.data(), e);
            }
            try {
                validate(parsed);
            } catch (RuntimeException e) {
                throw new AssertionError("openai-java rejects event " + i + ": " + event.data(), e);
            }
            accumulator.accumulate(parsed);
            assertThat(accumulator.snapshot()).as("snapshot after event %d", i).isPresent();
        }
        Response response = accumulator.response();
        validate(response);
        Response reconstructed = accumulator.reconstructedResponse();
        assertThat(reconstructed.output()).as("reconstructed output").isEqualTo(response.output());
        assertThat(response.usage()).as("usage").isPresent();
        return response;
    }

    /**
     * Checks a non-streaming response object: it must parse as openai-java's {@link Response} and
     * pass {@code validate()} (with the error-code liberty described above).
     */
    public static Response assertValidResponse(String responseJson) {
        Response response;
        try {
            response = ObjectMappers.jsonMapper().readValue(responseJson, Response.class);
        } catch (JsonProcessingException e) {
            throw new AssertionError("openai-java cannot read the response: " + responseJson, e);
        }
        try {
            validate(response);
        } catch (RuntimeException e) {
            throw new AssertionError("openai-java rejects the response: " + responseJson, e);
        }
        assertThat(response.usage()).as("usage").isPresent();
        return response;
    }

    private static void validate(ResponseStreamEvent event) {
        if (event.isFailed()) {
            var failed = event.asFailed();
            failed.toBuilder()
                    .response(withKnownErrorCode(failed.response()))
                    .build()
                    .validate();
        } else {
            event.validate();
        }
    }

    private static void validate(Response response) {
        withKnownErrorCode(response).validate();
    }

    private static Response withKnownErrorCode(Response response) {
        Optional<ResponseError> error = response.error();
        if (error.isEmpty()) {
            return response;
        }
        String code = error.get().code().asString();
        assertThat(code).as("response.error.code").isNotEmpty();
        return response.toBuilder()
                .error(ResponseError.builder()
                        .code(ResponseError.Code.SERVER_ERROR)
                        .message(error.get().message())
                        .build())
                .build();
    }
}
