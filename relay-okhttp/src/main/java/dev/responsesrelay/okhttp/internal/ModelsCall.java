package dev.responsesrelay.okhttp.internal;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.okhttp.RelayResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import okhttp3.Call;
import okhttp3.Response;

/** {@code GET {base}/models}, passed through. */
public final class ModelsCall {
    private ModelsCall() {}

    /** Runs {@code call} and checks that a 200 answer is an OpenAI model list. */
    public static RelayResponse execute(Call call, Duration idleTimeout) {
        try (Response response = call.execute()) {
            Bodies.BoundedBody body = Bodies.read(
                    response.body(),
                    response.isSuccessful() ? Bodies.MAX_JSON_BODY_BYTES : Bodies.MAX_ERROR_BODY_BYTES,
                    ModelsCall::ignore);
            if (!response.isSuccessful()) {
                return RelayResponse.failure(Bodies.map(null, Bodies.httpFailure(response, body.text())));
            }
            String json = body.text().strip();
            if (body.truncated() || !isModelList(json)) {
                // A 200 that is not a model list is usually a wrong base URL (an HTML page, or LM
                // Studio's HTTP-200 error object): say so rather than pass it on as a list.
                return RelayResponse.failure(RelayError.of(
                        502,
                        "server_error",
                        "server_error",
                        "the upstream's /models answer is not an OpenAI model list: " + abbreviate(json),
                        null,
                        null));
            }
            return RelayResponse.success(json);
        } catch (IOException e) {
            return RelayResponse.failure(Bodies.map(null, Bodies.transportFailure(e, idleTimeout, call.request())));
        }
    }

    private static boolean isModelList(String json) {
        try {
            JsonNode root = Json.MAPPER.readTree(json);
            return root != null && root.isObject() && root.path("data").isArray();
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static String abbreviate(String text) {
        String oneLine = text.replaceAll("\\s+", " ");
        return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "…";
    }

    private static void ignore(ByteBuffer bytes) {}
}
