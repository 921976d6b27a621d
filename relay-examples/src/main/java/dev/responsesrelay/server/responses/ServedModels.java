package dev.responsesrelay.server.responses;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.RelayException;
import dev.responsesrelay.Translation;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.RelayResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Which model a request asks the upstream for (issue 13 §0), with one upstream from the flags.
 * Clients ask for models the upstream does not serve: Codex with no {@code model} set asks for its
 * own default (docs/codex-wire.md, the addendum on code mode), SDK samples hard-code a {@code gpt-…}
 * name. The upstream's {@code GET /models} (cached for {@link #CACHE_FOR}) decides:
 *
 * <ul>
 *   <li>a listed name (or an Ollama name without its {@code :latest} tag) is sent as asked;
 *   <li>an unlisted one is sent as {@code --model NAME} when that flag is given;
 *   <li>otherwise it is refused with a 404 {@code model_not_found} in OpenAI's shape that lists the
 *       upstream's models and says how to choose one, so the client shows the reason at once
 *       instead of the upstream's own refusal (or a reconnect loop, for Codex's WebSocket).
 * </ul>
 *
 * When the relay cannot know the list, names are forwarded as asked: the upstream has no model
 * list (an error, no answer within {@link #LIST_TIMEOUT}, an empty list), or its profile serves
 * names it does not list ({@link #FORWARDS_UNLISTED}). With {@code --config} the routing config
 * decides instead ({@link #routed()}).
 */
public final class ServedModels {
    /** How long a model list (or the upstream's failure to give one) is reused. */
    public static final Duration CACHE_FOR = Duration.ofSeconds(60);

    /** The longest a request waits for the upstream's model list. */
    public static final Duration LIST_TIMEOUT = Duration.ofSeconds(3);

    /**
     * Profiles whose servers answer for names their {@code /models} does not list, so the list
     * cannot tell which names will be refused: Azure OpenAI lists base models while requests name
     * deployments (docs/PROVIDERS.md), and llama.cpp's server lists the one model it loaded and
     * answers any name with it.
     */
    static final Set<String> FORWARDS_UNLISTED = Set.of("azure", "llamacpp");

    /** How many of the upstream's model names a refusal lists before "and N more". */
    static final int NAMES_IN_REFUSAL = 20;

    private static final Logger LOG = Logger.getLogger(ServedModels.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();

    private final @Nullable String fallbackModel;
    /** Null in config mode, where nothing is looked up here. */
    private final @Nullable OkHttpClient quickClient;

    private final LongSupplier nanoTime;
    private final Object lock = new Object();
    private @Nullable List<String> cached;
    private boolean cachedUnlistable;
    private long cachedAt;
    private boolean hasCache;

    /**
     * @param fallbackModel {@code --model}: the upstream model for requests naming an unlisted one
     * @param client the relay's client; its settings are kept, with {@link #LIST_TIMEOUT} on top
     */
    public ServedModels(@Nullable String fallbackModel, OkHttpClient client) {
        this(fallbackModel, client, System::nanoTime);
    }

    ServedModels(@Nullable String fallbackModel, @Nullable OkHttpClient client, LongSupplier nanoTime) {
        this.fallbackModel = fallbackModel;
        this.quickClient = client == null
                ? null
                : client.newBuilder()
                        .callTimeout(LIST_TIMEOUT)
                        .connectTimeout(LIST_TIMEOUT)
                        .build();
        this.nanoTime = nanoTime;
    }

    /**
     * For {@code --config}: the routing config decides which upstream and model serve a request
     * (its routes, then its {@code default_model}; docs/OPERATIONS.md), so every name passes
     * through here unchanged.
     */
    public static ServedModels routed() {
        return new ServedModels(null, null, System::nanoTime);
    }

    /**
     * The model to ask the upstream for.
     *
     * @param requested the request's {@code model}, null when it has none
     * @param relay the relay the request goes through (its upstream key lists the models)
     * @return {@code requested}, or {@code --model} for a name the upstream does not list (or a
     *     request without one); null only when {@code requested} is null and there is no {@code
     *     --model}
     * @throws RelayException 404 {@code model_not_found} for a name the upstream does not list when
     *     there is no {@code --model}
     */
    public @Nullable String upstreamModel(@Nullable String requested, OkHttpRelay relay) {
        if (quickClient == null) {
            return requested;
        }
        String fallback = fallbackModel;
        if (requested == null || requested.equals(fallback)) {
            return fallback != null ? fallback : requested;
        }
        if (FORWARDS_UNLISTED.contains(relay.upstream().provider().name())) {
            return requested;
        }
        List<String> listed = listed(relay);
        if (listed == null || listed.isEmpty() || isListed(requested, listed)) {
            return requested;
        }
        if (fallback != null) {
            LOG.fine(() -> "the upstream does not list the model " + requested + "; asking for --model " + fallback);
            return fallback;
        }
        LOG.info(() -> "refused a request for the model " + requested + ": the upstream does not list it and there"
                + " is no --model");
        throw new RelayException(notServed(requested, listed));
    }

    /**
     * Translates {@code body} for the model the upstream is asked for. The request is translated
     * as asked first, so a malformed request gets its 400 before its model is looked at; a request
     * for an unlisted model is then refused, or translated again for {@code --model} (the profile's
     * rules can depend on the model name, so the name is not patched into the Chat body).
     *
     * @param requested the request's {@code model}, as read from {@code body}; null when it has none
     * @throws RelayException a 400 from the translator, or the 404 of {@link #upstreamModel}
     */
    public Translation translate(byte[] body, @Nullable String requested, OkHttpRelay relay) {
        if (requested == null) {
            // No model at all: --model names one; without it the translator says it is required.
            return relay.translator().translate(withModel(body, fallbackModel));
        }
        Translation asAsked = relay.translator().translate(body);
        String upstreamModel = upstreamModel(requested, relay);
        return requested.equals(upstreamModel) ? asAsked : relay.translator().translate(withModel(body, upstreamModel));
    }

    /** {@code body} asking for {@code model}; {@code body} itself when model is null or body is no JSON object. */
    private static byte[] withModel(byte[] body, @Nullable String model) {
        if (model == null) {
            return body;
        }
        try {
            if (!(JSON.readTree(body) instanceof ObjectNode tree)) {
                return body;
            }
            tree.put("model", model);
            return JSON.writeValueAsBytes(tree);
        } catch (IOException e) {
            return body; // the translator refuses it with the parser's message
        }
    }

    /** The 404 for a model the upstream does not list, naming what it does list and the two ways out. */
    static RelayError notServed(String requested, List<String> listed) {
        List<String> shown = listed.subList(0, Math.min(listed.size(), NAMES_IN_REFUSAL));
        String names = String.join(", ", shown)
                + (listed.size() > shown.size() ? " and " + (listed.size() - shown.size()) + " more" : "");
        return RelayError.of(
                404,
                "invalid_request_error",
                "model_not_found",
                "The model `" + requested + "` does not exist or is not served by this relay's upstream, which"
                        + " lists: " + names + ". Ask for one of these (in Codex: model = \"" + shown.get(0)
                        + "\" in ~/.codex/config.toml), or start the relay with --model NAME (or RELAY_MODEL) to"
                        + " answer requests for other models with NAME, or route model names with --config FILE"
                        + " (docs/OPERATIONS.md).",
                "model",
                null);
    }

    /** Whether {@code requested} is one of {@code listed}, as Ollama also serves its {@code :latest} tags. */
    static boolean isListed(String requested, List<String> listed) {
        for (String id : listed) {
            if (id.equalsIgnoreCase(requested) || id.equalsIgnoreCase(requested + ":latest")) {
                return true;
            }
        }
        return false;
    }

    /** The upstream's model ids, or null when it cannot list them. */
    private @Nullable List<String> listed(OkHttpRelay relay) {
        synchronized (lock) {
            if (hasCache && nanoTime.getAsLong() - cachedAt < CACHE_FOR.toNanos()) {
                return cachedUnlistable ? null : cached;
            }
            // One request at a time asks the upstream; the others wait for its answer.
            List<String> fresh = fetch(relay);
            cached = fresh;
            cachedUnlistable = fresh == null;
            cachedAt = nanoTime.getAsLong();
            hasCache = true;
            return fresh;
        }
    }

    private @Nullable List<String> fetch(OkHttpRelay relay) {
        OkHttpClient client = quickClient;
        if (client == null) {
            return null;
        }
        try {
            RelayResponse answer = OkHttpRelay.create(client, relay.upstream()).models();
            if (!answer.isSuccessful()) {
                LOG.fine(() -> "the upstream's model list is unavailable (HTTP " + answer.httpStatus()
                        + "); forwarding model names as asked");
                return null;
            }
            JsonNode data = JSON.readTree(answer.body()).path("data");
            if (!data.isArray()) {
                return null;
            }
            List<String> ids = new ArrayList<>();
            for (JsonNode model : data) {
                JsonNode id = model.path("id");
                if (id.isTextual()) {
                    ids.add(id.textValue());
                }
            }
            return List.copyOf(ids);
        } catch (Exception e) {
            LOG.log(Level.FINE, "listing the upstream's models failed; forwarding model names as asked", e);
            return null;
        }
    }
}
