package dev.responsesrelay.examples.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.Translation;
import dev.responsesrelay.okhttp.OkHttpRelay;
import dev.responsesrelay.okhttp.RelayResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import okhttp3.OkHttpClient;
import org.jspecify.annotations.Nullable;

/**
 * Which model a request asks the upstream for (issue 13 §0). Clients ask for models the upstream
 * does not serve: Codex with no {@code model} set asks for its own default (docs/codex-wire.md, the
 * addendum on code mode), SDK samples hard-code a {@code gpt-…} name. With {@code --model NAME}, a
 * request naming a model the upstream's {@code GET /models} does not list (cached for {@link
 * #CACHE_FOR}) is sent for NAME instead. Without it, or when the upstream cannot list its models
 * (no endpoint, an error, no answer within {@link #LIST_TIMEOUT}), names are forwarded as asked:
 * upstreams serve names they do not list (Ollama's {@code llama3} for {@code llama3:latest},
 * Azure deployment names), so the relay does not refuse on the list alone.
 */
public final class ServedModels {
    /** How long a model list (or the upstream's failure to give one) is reused. */
    public static final Duration CACHE_FOR = Duration.ofSeconds(60);

    /** The longest a request waits for the upstream's model list. */
    public static final Duration LIST_TIMEOUT = Duration.ofSeconds(3);

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
     * {@code translation}, or the same request translated again for {@code --model} when the
     * upstream does not list the model it asks for.
     *
     * @param body the request body {@code translation} came from
     * @param relay the relay the request goes through (its upstream key lists the models)
     */
    public Translation resolve(Translation translation, byte[] body, OkHttpRelay relay) {
        String fallback = fallbackModel;
        String requested = translation.model();
        if (fallback == null || fallback.equals(requested)) {
            return translation;
        }
        List<String> listed = listed(relay);
        if (listed == null || isListed(requested, listed)) {
            return translation;
        }
        LOG.fine(() -> "the upstream does not list the model " + requested + "; asking for --model " + fallback);
        try {
            ObjectNode tree = (ObjectNode) JSON.readTree(body);
            tree.put("model", fallback);
            return relay.translator().translate(JSON.writeValueAsBytes(tree));
        } catch (IOException | ClassCastException e) {
            // The body was translated once, so it is a JSON object; this cannot happen.
            throw new IllegalStateException("re-reading a translated request failed", e);
        }
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
