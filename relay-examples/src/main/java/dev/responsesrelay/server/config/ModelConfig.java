package dev.responsesrelay.server.config;

import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code [models."NAME"]} table: a model name clients use, where it goes, and what to change
 * for it.
 *
 * @param name the name clients send as {@code model}
 * @param upstream the {@code [upstreams.X]} it goes to
 * @param upstreamModel the name sent upstream (default: {@code name})
 * @param aliases other names clients may use for it
 * @param contextWindow the context window {@code codex-config} writes for it, if set
 * @param reasoning false to send the upstream no reasoning switch for this model, whatever the
 *     client asks; empty to keep the profile's behaviour
 * @param extraBodyJson a JSON object merged into every upstream body for this model, if set
 * @param fallbacks model names tried in order when this one fails before any byte reached the
 *     client (connect error, 429, 5xx)
 */
public record ModelConfig(
        String name,
        String upstream,
        String upstreamModel,
        List<String> aliases,
        OptionalInt contextWindow,
        Optional<Boolean> reasoning,
        Optional<String> extraBodyJson,
        List<String> fallbacks) {}
