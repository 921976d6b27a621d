package dev.responsesrelay.server.config;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.ProviderProfile;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An upstream's {@code [upstreams.X.profile]} table: the {@link ProviderProfile.Builder} setters
 * docs/PROVIDERS.md ("What each field does, and how to override it") documents, in snake case, each
 * replacing one field of the chosen profile.
 */
final class ProfileOverrides {
    private ProfileOverrides() {}

    static ProviderProfile apply(ProviderProfile base, JsonNode table, List<String> at, RelayConfigLoader loader)
            throws ConfigException {
        if (!table.isObject()) {
            throw loader.error(at, "must be a table of profile overrides");
        }
        loader.checkKeys(table, knownKeys(), at);
        ProviderProfile.Builder builder = base.toBuilder();
        for (Map.Entry<String, JsonNode> entry : table.properties()) {
            List<String> key = RelayConfigLoader.path(at, entry.getKey());
            JsonNode value = entry.getValue();
            switch (entry.getKey()) {
                case "extra_body" -> builder.extraBodyJson(loader.object(value, key));
                case "drop_fields" -> builder.dropFields(new LinkedHashSet<>(loader.strings(value, key)));
                case "allowed_fields" -> builder.allowedFields(new LinkedHashSet<>(loader.strings(value, key)));
                case "token_limit_field" -> builder.tokenLimitField(loader.string(value, key));
                case "reasoning_replay_field" -> {
                    // "" turns replay off, as null does in the builder.
                    String field = value.isTextual() && value.asText().isEmpty() ? null : loader.string(value, key);
                    builder.reasoningReplayField(field);
                }
                case "reasoning_on_tool_calls" -> builder.reasoningOnToolCalls(loader.bool(value, key));
                case "reasoning_control" ->
                    builder.reasoningControl(enumValue(ProviderProfile.ReasoningControl.class, value, key, loader));
                case "tool_call_ids" ->
                    builder.toolCallIds(enumValue(ProviderProfile.ToolCallIdRule.class, value, key, loader));
                case "tool_choice" ->
                    builder.toolChoice(enumValue(ProviderProfile.ToolChoiceSupport.class, value, key, loader));
                case "image_input" ->
                    builder.imageInput(enumValue(ProviderProfile.ImageInput.class, value, key, loader));
                case "merge_system_messages" -> builder.mergeSystemMessages(loader.bool(value, key));
                case "assistant_between_tool_and_user" -> builder.assistantBetweenToolAndUser(loader.bool(value, key));
                case "developer_role" -> builder.developerRole(loader.bool(value, key));
                case "stream_options" -> builder.streamOptions(loader.bool(value, key));
                case "always_stream" -> builder.alwaysStream(loader.bool(value, key));
                case "tool_strict" -> builder.toolStrict(loader.bool(value, key));
                case "think_tags_in_content" -> builder.thinkTagsInContent(loader.bool(value, key));
                case "keep_user_identifiers" -> builder.keepUserIdentifiers(loader.bool(value, key));
                case "max_temperature" -> {
                    if (!value.isNumber()) {
                        throw loader.error(key, "must be a number");
                    }
                    builder.maxTemperature(value.asDouble());
                }
                default -> throw loader.error(key, "unknown profile override");
            }
        }
        try {
            return builder.build();
        } catch (IllegalArgumentException e) {
            throw loader.error(at, String.valueOf(e.getMessage()));
        }
    }

    private static java.util.Set<String> knownKeys() {
        return java.util.Set.of(
                "extra_body",
                "drop_fields",
                "allowed_fields",
                "token_limit_field",
                "reasoning_replay_field",
                "reasoning_on_tool_calls",
                "reasoning_control",
                "tool_call_ids",
                "tool_choice",
                "image_input",
                "merge_system_messages",
                "assistant_between_tool_and_user",
                "developer_role",
                "stream_options",
                "always_stream",
                "tool_strict",
                "think_tags_in_content",
                "keep_user_identifiers",
                "max_temperature");
    }

    private static <E extends Enum<E>> E enumValue(
            Class<E> type, JsonNode value, List<String> at, RelayConfigLoader loader) throws ConfigException {
        String text = loader.string(value, at);
        for (E constant : type.getEnumConstants()) {
            if (constant.name().equalsIgnoreCase(text.strip())
                    || constant.name()
                            .equals(text.strip().toUpperCase(Locale.ROOT).replace('-', '_'))) {
                return constant;
            }
        }
        StringBuilder known = new StringBuilder();
        for (E constant : type.getEnumConstants()) {
            known.append(known.length() == 0 ? "" : ", ").append(constant.name());
        }
        throw loader.error(at, "must be one of " + known + ", was " + text);
    }
}
