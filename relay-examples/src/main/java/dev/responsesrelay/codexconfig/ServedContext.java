package dev.responsesrelay.codexconfig;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The context a local server really serves a model with, which can be far below what the model
 * was trained for: Ollama loads models with 4k tokens below 24 GiB of VRAM and cuts longer prompts
 * silently, llama.cpp with its {@code --ctx-size}, LM Studio with the length chosen when loading
 * (issue 17: Codex's instructions and history were lost). Each server is asked in its own API:
 *
 * <ul>
 *   <li>Ollama: {@code GET /api/ps}, {@code models[].context_length} of the loaded model
 *       (https://github.com/ollama/ollama/blob/main/docs/api.md, "List Running Models"; and
 *       docs/context-length.mdx for the defaults and {@code OLLAMA_CONTEXT_LENGTH}); else {@code POST
 *       /api/show}, a {@code num_ctx} line in {@code parameters} (the Modelfile's setting).
 *   <li>LM Studio: {@code GET /api/v0/models/{model}}, {@code loaded_context_length} when loaded,
 *       else {@code max_context_length} (https://lmstudio.ai/docs/developer/rest/endpoints).
 *   <li>llama.cpp: {@code GET /props}, {@code default_generation_settings.n_ctx} (the server's
 *       {@code --ctx-size}; https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md, "GET /props").
 *   <li>vLLM reports {@code max_model_len} in its {@code /v1/models} list already ({@link
 *       UpstreamModels}); its setting is {@code --max-model-len}.
 * </ul>
 *
 * Only servers on this machine or a private network are asked: a cloud provider's list is what it
 * serves, and it would only answer these paths with 404s.
 */
final class ServedContext {
    /**
     * Below this, Codex's instructions, tools and a working history do not fit: Ollama's own
     * guidance for "agents, and coding tools" is at least 64000 tokens (docs/context-length.mdx).
     */
    static final int CODEX_NEEDS = 64_000;

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofSeconds(3);
    private static final Pattern NUM_CTX = Pattern.compile("(?m)^\\s*num_ctx\\s+(\\d+)");

    /**
     * What a server said.
     *
     * @param tokens the context it serves the model with
     * @param source where that was read, for the summary
     * @param setting what to change to serve more
     */
    record Served(int tokens, String source, String setting) {}

    /** What the server was, even when it could not say the served context. */
    record Probe(Optional<Served> served, @Nullable String notLoadedHint) {}

    private ServedContext() {}

    /** Whether {@code upstreamBaseUrl} is on this machine or a private network. */
    static boolean isLocal(String upstreamBaseUrl) {
        try {
            String host = URI.create(upstreamBaseUrl).getHost();
            if (host == null) {
                return false;
            }
            if (host.equals("localhost") || host.endsWith(".local")) {
                return true;
            }
            if (!host.matches("[0-9.]+") && !host.contains(":")) {
                return false; // a name: do not resolve it just to decide
            }
            InetAddress address = InetAddress.getByName(host.replace("[", "").replace("]", ""));
            return address.isLoopbackAddress() || address.isSiteLocalAddress() || address.isLinkLocalAddress();
        } catch (IOException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Asks the server at {@code upstreamBaseUrl} (its OpenAI base, e.g. {@code …/v1}) about {@code model}. */
    static Probe probe(HttpClient client, String upstreamBaseUrl, String model, @Nullable String apiKey) {
        String root = upstreamBaseUrl.replaceFirst("/+$", "").replaceFirst("/v1$", "");
        // Ollama
        JsonNode ps = get(client, root + "/api/ps", apiKey);
        if (ps != null && ps.path("models").isArray()) {
            for (JsonNode loaded : ps.path("models")) {
                if ((model.equals(loaded.path("name").asText())
                                || model.equals(loaded.path("model").asText()))
                        && loaded.path("context_length").asInt(0) > 0) {
                    return new Probe(
                            Optional.of(new Served(
                                    loaded.path("context_length").asInt(),
                                    "served by Ollama, /api/ps",
                                    "OLLAMA_CONTEXT_LENGTH=" + CODEX_NEEDS + " ollama serve, or PARAMETER num_ctx in"
                                            + " the Modelfile")),
                            null);
                }
            }
            JsonNode show = post(client, root + "/api/show", "{\"model\":" + JSON.valueToTree(model) + "}", apiKey);
            if (show != null) {
                Matcher numCtx = NUM_CTX.matcher(show.path("parameters").asText(""));
                if (numCtx.find()) {
                    return new Probe(
                            Optional.of(new Served(
                                    Integer.parseInt(numCtx.group(1)),
                                    "num_ctx of the Ollama model, /api/show",
                                    "PARAMETER num_ctx in the Modelfile")),
                            null);
                }
            }
            return new Probe(
                    Optional.empty(),
                    "Ollama has not loaded " + model + ", so it could not say its context; unless started with"
                            + " OLLAMA_CONTEXT_LENGTH it loads models with 4096 tokens below 24 GiB of VRAM. Run"
                            + " OLLAMA_CONTEXT_LENGTH=" + CODEX_NEEDS + " ollama serve, load the model (ollama run "
                            + model + "), then run codex-config again");
        }
        // LM Studio
        JsonNode lmStudio =
                get(client, root + "/api/v0/models/" + URLEncoder.encode(model, StandardCharsets.UTF_8), apiKey);
        if (lmStudio != null && lmStudio.has("max_context_length")) {
            int loaded = lmStudio.path("loaded_context_length").asInt(0);
            return new Probe(
                    Optional.of(new Served(
                            loaded > 0
                                    ? loaded
                                    : lmStudio.path("max_context_length").asInt(),
                            loaded > 0
                                    ? "loaded by LM Studio, /api/v0/models"
                                    : "maximum in LM Studio, /api/v0/models (not loaded)",
                            "the context length LM Studio loads it with (lms load " + model + " --context-length "
                                    + CODEX_NEEDS + ")")),
                    null);
        }
        // llama.cpp
        JsonNode props = get(client, root + "/props", apiKey);
        if (props != null) {
            int nCtx = props.path("default_generation_settings").path("n_ctx").asInt(0);
            if (nCtx > 0) {
                return new Probe(
                        Optional.of(new Served(
                                nCtx, "served by llama.cpp, /props", "llama-server --ctx-size " + CODEX_NEEDS)),
                        null);
            }
        }
        return new Probe(Optional.empty(), null);
    }

    private static @Nullable JsonNode get(HttpClient client, String url, @Nullable String apiKey) {
        return send(client, HttpRequest.newBuilder(URI.create(url)).GET(), apiKey);
    }

    private static @Nullable JsonNode post(HttpClient client, String url, String json, @Nullable String apiKey) {
        return send(
                client,
                HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(json)),
                apiKey);
    }

    private static @Nullable JsonNode send(HttpClient client, HttpRequest.Builder request, @Nullable String apiKey) {
        request.timeout(TIMEOUT).header("Accept", "application/json");
        if (apiKey != null) {
            request.header("Authorization", "Bearer " + apiKey);
        }
        try {
            HttpResponse<String> response =
                    client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            if (response.statusCode() / 100 != 2) {
                return null;
            }
            JsonNode body = JSON.readTree(response.body());
            return body != null && body.isObject() ? body : null;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }
}
