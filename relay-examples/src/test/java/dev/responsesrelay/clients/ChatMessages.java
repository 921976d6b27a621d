package dev.responsesrelay.clients;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Reading the Chat Completions requests the scripted upstream received. */
final class ChatMessages {
    private ChatMessages() {}

    /** The role of each message, in order. */
    static List<String> roles(JsonNode chatRequest) {
        List<String> roles = new ArrayList<>();
        chatRequest
                .path("messages")
                .forEach(message -> roles.add(message.path("role").asText()));
        return roles;
    }

    /** The messages with this role, in order. */
    static List<JsonNode> withRole(JsonNode chatRequest, String role) {
        List<JsonNode> messages = new ArrayList<>();
        chatRequest.path("messages").forEach(message -> {
            if (message.path("role").asText().equals(role)) {
                messages.add(message);
            }
        });
        return messages;
    }

    /** A message's text: its string content, or its text parts joined. */
    static String text(JsonNode message) {
        JsonNode content = message.path("content");
        if (content.isTextual()) {
            return content.asText();
        }
        StringBuilder text = new StringBuilder();
        content.forEach(part -> text.append(part.path("text").asText()));
        return text.toString();
    }

    /** The texts of the messages with this role, in order. */
    static List<String> texts(JsonNode chatRequest, String role) {
        return withRole(chatRequest, role).stream().map(ChatMessages::text).toList();
    }

    /** Every {@code tool_calls} entry of the assistant messages, in order. */
    static List<JsonNode> assistantToolCalls(JsonNode chatRequest) {
        List<JsonNode> calls = new ArrayList<>();
        withRole(chatRequest, "assistant")
                .forEach(message -> message.path("tool_calls").forEach(calls::add));
        return calls;
    }

    /** The string values of a JSON array. */
    static List<String> strings(JsonNode array) {
        List<String> values = new ArrayList<>();
        array.forEach(value -> values.add(value.asText()));
        return values;
    }
}
