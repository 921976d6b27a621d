package dev.responsesrelay.internal.request;

import org.jspecify.annotations.Nullable;

/**
 * How one Chat function name maps back to the Responses tool the client declared.
 *
 * @param chatName the function name the upstream sees and calls, unique in the request and matching
 *     {@code ^[a-zA-Z0-9_-]{1,64}$}
 * @param name the tool's own name in the Responses request ({@code echo_text})
 * @param namespace the {@code namespace} tool it sits in ({@code mcp__echo}), or null
 * @param custom whether it is a {@code custom} (freeform) tool, answered with {@code
 *     custom_tool_call} items whose {@code input} is the raw string
 * @param inputField for custom tools, the name of the single string parameter of the Chat function
 */
public record ToolBinding(
        String chatName, String name, @Nullable String namespace, boolean custom, String inputField) {}
