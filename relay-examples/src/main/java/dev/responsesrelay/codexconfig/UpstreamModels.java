package dev.responsesrelay.codexconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads an upstream's model list ({@code GET {upstream}/models}) and what each entry says about its
 * context size and image input.
 */
final class UpstreamModels {
    /**
     * Where providers put the context size, most specific first. LM Studio's {@code
     * loaded_context_length} is what the model is loaded with right now; Groq says {@code
     * context_window}; OpenRouter, Together and Moonshot {@code context_length}; vLLM {@code
     * max_model_len}; Mistral and LM Studio {@code max_context_length}; OpenRouter also nests it in
     * {@code top_provider}; llama.cpp's server only reports the context the model was trained with,
     * {@code meta.n_ctx_train}, which can exceed what the server was started with ({@code -c}).
     */
    private static final List<String> CONTEXT_POINTERS = List.of(
            "/loaded_context_length",
            "/context_window",
            "/context_length",
            "/max_model_len",
            "/max_context_length",
            "/top_provider/context_length",
            "/meta/n_ctx_train");

    private static final Duration TIMEOUT = Duration.ofSeconds(20);

    /**
     * One model as the upstream lists it.
     *
     * @param id the model id to send as {@code model}
     * @param contextWindow the context size the upstream reports, if it reports one
     * @param contextField the JSON pointer of that value inside the entry, or empty
     * @param acceptsImages whether the upstream says the model takes image input, if it says
     */
    record UpstreamModel(String id, OptionalInt contextWindow, String contextField, Optional<Boolean> acceptsImages) {}

    private UpstreamModels() {}

    /**
     * Fetches and parses the list.
     *
     * @throws CodexConfigException if the request fails, the status is not 2xx, or the body is not a
     *     model list
     */
    static List<UpstreamModel> fetch(HttpClient client, String upstreamBaseUrl, @Nullable String apiKey) {
        URI uri = URI.create(stripTrailingSlash(upstreamBaseUrl) + "/models");
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(TIMEOUT)
                .header("Accept", "application/json")
                .GET();
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        HttpResponse<String> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new CodexConfigException("cannot GET " + uri + ": " + describe(e), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CodexConfigException("interrupted while fetching " + uri, e);
        }
        if (response.statusCode() / 100 != 2) {
            throw new CodexConfigException(
                    "GET " + uri + " answered " + response.statusCode() + ": " + excerpt(response.body()));
        }
        return parse(response.body(), uri.toString());
    }

    /**
     * Parses an OpenAI list body {@code {"data":[{"id":…},…]}}; a bare array and an Ollama-style
     * {@code {"models":[{"name":…}]}} are accepted too. Duplicate ids are kept once.
     *
     * @throws CodexConfigException naming the JSON path of the first thing that is not a model list
     */
    static List<UpstreamModel> parse(String body, String source) {
        JsonNode root;
        try {
            root = new ObjectMapper().readTree(body);
        } catch (JsonProcessingException e) {
            throw new CodexConfigException(source + " did not return JSON: " + excerpt(body), e);
        }
        JsonNode list;
        String listPath;
        if (root != null && root.isArray()) {
            list = root;
            listPath = "";
        } else if (root != null && root.path("data").isArray()) {
            list = root.get("data");
            listPath = "/data";
        } else if (root != null && root.path("models").isArray()) {
            list = root.get("models");
            listPath = "/models";
        } else {
            throw new CodexConfigException(source + " is not a model list: no array at /data: " + excerpt(body));
        }
        List<UpstreamModel> models = new ArrayList<>();
        Set<String> seen = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            JsonNode entry = list.get(i);
            String path = listPath + "/" + i;
            if (!entry.isObject()) {
                throw new CodexConfigException(source + ": model entry at " + path + " is not an object");
            }
            JsonNode id = entry.hasNonNull("id") ? entry.get("id") : entry.path("name");
            if (!id.isTextual() || id.asText().isBlank()) {
                throw new CodexConfigException(source + ": model entry at " + path + " has no string id");
            }
            if (seen.add(id.asText())) {
                models.add(describeModel(id.asText(), entry));
            }
        }
        return List.copyOf(models);
    }

    private static UpstreamModel describeModel(String id, JsonNode entry) {
        OptionalInt window = OptionalInt.empty();
        String field = "";
        for (String pointer : CONTEXT_POINTERS) {
            OptionalInt value = positiveInt(entry.at(pointer));
            if (value.isPresent()) {
                window = value;
                field = pointer;
                break;
            }
        }
        return new UpstreamModel(id, window, field, acceptsImages(entry));
    }

    /**
     * OpenRouter lists {@code architecture.input_modalities} ({@code ["text","image"]}); Ollama-style
     * entries list {@code capabilities} ({@code ["completion","vision"]}).
     */
    private static Optional<Boolean> acceptsImages(JsonNode entry) {
        JsonNode modalities = entry.at("/architecture/input_modalities");
        if (modalities.isArray()) {
            return Optional.of(containsText(modalities, "image"));
        }
        JsonNode capabilities = entry.path("capabilities");
        if (capabilities.isArray()) {
            return Optional.of(containsText(capabilities, "vision"));
        }
        return Optional.empty();
    }

    private static boolean containsText(JsonNode array, String value) {
        for (JsonNode element : array) {
            if (element.isTextual() && element.asText().equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** A positive int from a JSON number or numeric string; providers are not consistent about which. */
    private static OptionalInt positiveInt(JsonNode node) {
        long value;
        if (node.isIntegralNumber() && node.canConvertToLong()) {
            value = node.longValue();
        } else if (node.isTextual() && node.asText().matches("\\d{1,10}")) {
            value = Long.parseLong(node.asText());
        } else {
            return OptionalInt.empty();
        }
        return value > 0 && value <= Integer.MAX_VALUE ? OptionalInt.of((int) value) : OptionalInt.empty();
    }

    static String stripTrailingSlash(String url) {
        String result = url;
        while (result.endsWith("/")) {
            result = result.substring(0, result.length() - 1);
        }
        return result;
    }

    private static String describe(IOException e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
    }

    private static String excerpt(String body) {
        String oneLine = body.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= 300 ? oneLine : oneLine.substring(0, 300) + "…";
    }
}
