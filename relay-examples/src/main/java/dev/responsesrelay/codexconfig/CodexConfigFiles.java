package dev.responsesrelay.codexconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.codexconfig.ModelFamilies.Family;
import dev.responsesrelay.codexconfig.UpstreamModels.UpstreamModel;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.jspecify.annotations.Nullable;

/**
 * Builds the two files Codex needs: the model catalog ({@code model_catalog_json}) and {@code
 * config.toml}. Pure functions of the options and the model list.
 *
 * <p>Why a catalog at all: it is the only way to give Codex 0.169 per-model metadata (docs/codex-wire.md
 * §4.2). Without an entry Codex warns "Model metadata for X not found", assumes a 272k context, and
 * offers no {@code apply_patch} tool.
 */
final class CodexConfigFiles {
    /** The catalog's file name, written next to config.toml and named relative to it. */
    static final String CATALOG_FILE_NAME = "relay-catalog.json";

    /** The first line of every config.toml this command writes; marks the file as safe to replace. */
    static final String HEADER_LINE = "# Codex CLI configuration for Responses Relay, written by `codex-config`.";

    /** The environment variable Codex sends as the bearer token to the relay. */
    static final String API_KEY_ENV = "RELAY_API_KEY";

    /**
     * Auto-compaction fires at this share of the context window. Codex clamps the limit to 90 % and
     * counts tokens partly by estimate (docs/codex-wire.md §2.2), so 85 % leaves room for the estimate's
     * error and for the reply itself.
     */
    static final int AUTO_COMPACT_PERCENT = 85;

    private static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One catalog entry as resolved from the upstream list and the fallbacks.
     *
     * @param contextSource where {@code contextWindow} came from, for the description and the summary
     */
    record CatalogModel(String slug, int contextWindow, String contextSource, boolean acceptsImages) {
        int autoCompactTokenLimit() {
            return (int) ((long) contextWindow * AUTO_COMPACT_PERCENT / 100);
        }
    }

    private CodexConfigFiles() {}

    /**
     * Decides each model's context window and image support: {@code --context-window} if given, else
     * what the upstream reports, else a size written in the id ({@code -32k}), else the family table,
     * else {@value ModelFamilies#DEFAULT_CONTEXT_WINDOW}.
     */
    static CatalogModel resolve(UpstreamModel model, @Nullable Integer contextWindowOverride) {
        Optional<Family> family = ModelFamilies.familyOf(model.id());
        boolean images =
                model.acceptsImages().orElse(family.map(Family::acceptsImages).orElse(false));
        if (contextWindowOverride != null) {
            return new CatalogModel(model.id(), contextWindowOverride, "--context-window", images);
        }
        if (model.contextWindow().isPresent()) {
            // A JSON pointer into the list entry, or a sentence from ServedContext.
            String source = model.contextField().startsWith("/")
                    ? "upstream " + model.contextField().substring(1).replace('/', '.')
                    : model.contextField();
            return new CatalogModel(model.id(), model.contextWindow().getAsInt(), source, images);
        }
        OptionalInt inName = ModelFamilies.sizeInName(model.id());
        if (inName.isPresent()) {
            return new CatalogModel(model.id(), inName.getAsInt(), "size in the model name", images);
        }
        if (family.isPresent()) {
            return new CatalogModel(
                    model.id(),
                    family.get().contextWindow(),
                    "default for the " + family.get().name() + " family",
                    images);
        }
        return new CatalogModel(model.id(), ModelFamilies.DEFAULT_CONTEXT_WINDOW, "default", images);
    }

    /**
     * The catalog JSON, {@code {"models":[…]}}, with every field Codex 0.169 requires (found by
     * strict parsing, docs/codex-wire.md §4.2) plus the ones that matter for a relay.
     */
    static String catalogJson(List<CatalogModel> models, String baseInstructions) {
        ObjectNode root = MAPPER.createObjectNode();
        ArrayNode entries = root.putArray("models");
        int priority = 1;
        for (CatalogModel model : models) {
            ObjectNode entry = entries.addObject();
            entry.put("slug", model.slug());
            entry.put("display_name", model.slug());
            entry.put(
                    "description",
                    "Chat Completions model behind Responses Relay; context " + model.contextWindow() + " tokens ("
                            + model.contextSource() + ")");
            // No default_reasoning_level: with one, Codex sends reasoning.effort on every request, which
            // the relay forwards as reasoning_effort; not every Chat upstream takes that, and strict ones
            // answer 422 to fields they do not know (Mistral, docs/dialects.md §1.5). Without it Codex sends
            // none unless the user sets model_reasoning_effort or picks a level (observed with 0.169).
            ArrayNode levels = entry.putArray("supported_reasoning_levels");
            for (String level : List.of("low", "medium", "high")) {
                levels.addObject().put("effort", level).put("description", level);
            }
            // Codex 0.169 always offers exec_command whatever this says (docs/codex-wire.md §1.4).
            entry.put("shell_type", "default");
            entry.put("visibility", "list");
            entry.put("supported_in_api", true);
            entry.put("priority", priority++);
            // Codex sends exactly this text as the first developer message; there is no fallback to
            // its built-in prompt for catalog models (an empty string means no base prompt at all).
            entry.put("base_instructions", baseInstructions);
            entry.put("default_reasoning_summary", "auto");
            entry.put("support_verbosity", false);
            entry.putNull("default_verbosity");
            // Makes Codex offer apply_patch as a custom (freeform) tool, which the relay turns into a
            // one-string-argument function and back (docs/codex-wire.md §1.4, §7 item 3).
            entry.put("apply_patch_tool_type", "freeform");
            ObjectNode truncation = entry.putObject("truncation_policy");
            truncation.put("mode", "tokens");
            truncation.put("limit", 10_000);
            entry.put("context_window", model.contextWindow());
            // model_context_window can only lower the window below this (docs/codex-wire.md §1.2).
            entry.put("max_context_window", model.contextWindow());
            entry.put("auto_compact_token_limit", model.autoCompactTokenLimit());
            entry.put("effective_context_window_percent", 95);
            entry.putArray("experimental_supported_tools");
            ArrayNode modalities = entry.putArray("input_modalities");
            modalities.add("text");
            if (model.acceptsImages()) {
                modalities.add("image");
            }
            // The tool_search tool has no Chat Completions counterpart (docs/codex-wire.md §7 item 4).
            entry.put("supports_search_tool", false);
        }
        try {
            return MAPPER.writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise the catalog", e);
        }
    }

    /** The config.toml text, with comments that say what the user still has to do. */
    static String configToml(CodexConfigOptions options, String defaultModel, int modelCount) {
        List<String> lines = new ArrayList<>();
        lines.add(HEADER_LINE);
        lines.add("# Upstream: " + options.upstream() + " (" + modelCount + " model" + (modelCount == 1 ? "" : "s")
                + " in " + CATALOG_FILE_NAME + ").");
        lines.add("# Start the relay on port " + options.port() + " before running codex.");
        lines.add("# Codex sends $" + API_KEY_ENV + " to the relay as its bearer token and will not start");
        lines.add("# without it. Set it to any value if the relay holds the upstream key (--api-key);");
        lines.add("# to one of its --require-key keys if it has any; or to the upstream key itself if");
        lines.add("# the relay runs without --api-key, since it then passes the token upstream. The relay");
        lines.add("# reads the same variable as its --api-key, so in one shell the upstream key serves both.");
        lines.add("# To replace the catalog's short base prompt with your own, add");
        lines.add("#   model_instructions_file = \"/path/to/prompt.md\"");
        lines.add("");
        lines.add("model = " + tomlString(defaultModel));
        lines.add("model_provider = " + tomlString(options.providerId()));
        lines.add("# Relative paths are resolved against the directory of this file.");
        lines.add("model_catalog_json = " + tomlString(CATALOG_FILE_NAME));
        lines.add("# Codex asks for no reasoning effort unless told to. For reasoning models, uncomment");
        lines.add("# (the relay forwards it as reasoning_effort, or in the provider's own form):");
        lines.add("# model_reasoning_effort = \"high\"");
        lines.add("# The relay has no web search to offer behind a Chat Completions upstream.");
        lines.add("web_search = \"disabled\"");
        lines.add("");
        lines.add("[model_providers." + options.providerId() + "]");
        lines.add("# Never \"OpenAI\" or \"azure\": Codex would treat the relay as OpenAI's own service.");
        lines.add("name = " + tomlString(options.providerName()));
        lines.add("base_url = " + tomlString(options.relayBaseUrl()));
        lines.add("wire_api = \"responses\"");
        lines.add("env_key = " + tomlString(API_KEY_ENV));
        lines.add("env_key_instructions = "
                + tomlString("Set " + API_KEY_ENV + ": any value if the relay holds the upstream key, else the"
                        + " key the relay requires or passes upstream."));
        lines.add("stream_idle_timeout_ms = 300000");
        lines.add("stream_max_retries = 5");
        lines.add("request_max_retries = 4");
        lines.add("supports_websockets = false");
        return String.join("\n", lines) + "\n";
    }

    /** The default base prompt, shipped as a resource next to this class. */
    static String defaultBaseInstructions() {
        try (InputStream in = CodexConfigFiles.class.getResourceAsStream("base-instructions.md")) {
            if (in == null) {
                throw new IllegalStateException("resource base-instructions.md is missing from the jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read base-instructions.md", e);
        }
    }

    /** A TOML basic string (TOML 1.0 §String): quotes, backslashes and control characters escaped. */
    static String tomlString(String value) {
        StringBuilder out = new StringBuilder(value.length() + 2).append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20 || c == 0x7f) {
                        out.append(String.format("\\u%04X", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }
}
