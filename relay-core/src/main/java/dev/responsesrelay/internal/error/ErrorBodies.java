package dev.responsesrelay.internal.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.internal.Json;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the human message, codes and statuses out of an upstream error body in any of the shapes
 * docs/dialects.md §H rule 40 lists. Never throws: a body it cannot read as JSON is plain text or HTML.
 */
final class ErrorBodies {
    /** Long enough for any real provider message, short enough not to flood a terminal. */
    static final int MAX_MESSAGE_CHARS = 4000;

    /** Groq's failed_generation is the model's whole raw answer; a prefix is enough to see what broke. */
    static final int MAX_FAILED_GENERATION_CHARS = 300;

    /** An HTML page says what happened in its title; when it has none, this much of its text. */
    static final int MAX_HTML_TEXT_CHARS = 200;

    /** Wrapping depth: OpenRouter wraps a provider error, whose message may be Google JSON text. */
    private static final int MAX_DEPTH = 8;

    private static final Pattern HTML_START =
            Pattern.compile("(?is)^\\s*<(?:!doctype\\s+html|html|head|body|title|center|h1)\\b");
    private static final Pattern HTML_TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");
    private static final Pattern HTML_H1 = Pattern.compile("(?is)<h1[^>]*>(.*?)</h1>");
    private static final Pattern HTML_SKIPPED = Pattern.compile("(?is)<(script|style)[^>]*>.*?</\\1>");
    private static final Pattern HTML_TAG = Pattern.compile("(?s)<[^>]*>");
    private static final Pattern WHITESPACE = Pattern.compile("\\s+");
    private static final Pattern STATUS_NUMBER = Pattern.compile("[1-5][0-9][0-9]");

    private ErrorBodies() {}

    /** Reads {@code body}, which may be JSON in any provider's shape, plain text, HTML or empty. */
    static ErrorBody parse(String body) {
        String trimmed = stripBom(body).strip();
        Collector collector = new Collector();
        if (trimmed.isEmpty()) {
            return collector.build("", false);
        }
        JsonNode json = readJson(trimmed);
        if (json != null && (json.isContainerNode() || json.isTextual())) {
            String message = collector.root(json, 0);
            return collector.build(message == null ? "" : message, false);
        }
        if (HTML_START.matcher(trimmed).find()) {
            String text = htmlSummary(trimmed);
            collector.texts.add(text);
            return collector.build(text, true);
        }
        // Plain text: DeepSeek's serde errors, proxies' one-liners, Python reprs relayed by gateways.
        collector.texts.add(trimmed);
        return collector.build(truncate(trimmed, MAX_MESSAGE_CHARS), false);
    }

    private static @Nullable JsonNode readJson(String text) {
        char first = text.charAt(0);
        if (first != '{' && first != '[' && first != '"') {
            return null;
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null; // not JSON after all: the caller treats it as text
        }
    }

    /** The title of an HTML error page, else its first heading, else a short prefix of its text. */
    private static String htmlSummary(String html) {
        for (Pattern pattern : List.of(HTML_TITLE, HTML_H1)) {
            Matcher matcher = pattern.matcher(html);
            if (matcher.find()) {
                String text = htmlText(matcher.group(1));
                if (!text.isEmpty()) {
                    return truncate(text, MAX_HTML_TEXT_CHARS);
                }
            }
        }
        return truncate(htmlText(HTML_SKIPPED.matcher(html).replaceAll(" ")), MAX_HTML_TEXT_CHARS);
    }

    private static String htmlText(String fragment) {
        String text = HTML_TAG.matcher(fragment).replaceAll(" ");
        text = text.replace("&nbsp;", " ")
                .replace("&lt;", "<")
                .replace("&gt;", ">")
                .replace("&quot;", "\"")
                .replace("&#39;", "'")
                .replace("&amp;", "&");
        return WHITESPACE.matcher(text).replaceAll(" ").strip();
    }

    static String truncate(String text, int maxChars) {
        if (text.length() <= maxChars) {
            return text;
        }
        int end = maxChars;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--; // never cut a character in half
        }
        return text.substring(0, end) + "…";
    }

    private static String stripBom(String text) {
        return text.startsWith("\uFEFF") ? text.substring(1) : text;
    }

    /** Walks one body, collecting codes on the way and returning the most specific message. */
    private static final class Collector {
        final List<String> codes = new ArrayList<>();
        final List<String> types = new ArrayList<>();
        final List<String> statuses = new ArrayList<>();
        final List<Integer> statusCodes = new ArrayList<>();
        final List<String> texts = new ArrayList<>();

        @Nullable
        String param;

        @Nullable
        String failedGeneration;

        @Nullable
        Duration retryDelay;

        ErrorBody build(String message, boolean html) {
            return new ErrorBody(
                    message, codes, types, statuses, statusCodes, param, failedGeneration, retryDelay, texts, html);
        }

        /** A whole document, or a document found inside a string: returns its message or null. */
        @Nullable
        String root(JsonNode node, int depth) {
            if (depth > MAX_DEPTH) {
                return null;
            }
            if (node.isArray()) {
                // Gemini native streaming errors: [{"error":{"code":429,…,"status":"RESOURCE_EXHAUSTED"}}]
                for (JsonNode element : node) {
                    if (element.isObject()) {
                        String message = root(element, depth + 1);
                        if (message != null) {
                            return message;
                        }
                    }
                }
                return null;
            }
            if (node.isTextual()) {
                return messageText(node.textValue(), depth);
            }
            if (!node.isObject()) {
                return null;
            }
            JsonNode error = node.get("error");
            if (error != null && error.isObject()) {
                return errorObject(error, depth);
            }
            if (error != null && error.isTextual()) {
                // LM Studio and Ollama's native API: {"error":"Unexpected endpoint or method. (…)"}
                return messageText(error.textValue(), depth);
            }
            // vLLM (old) and Mistral put the error fields at the top level with object:"error";
            // OpenRouter errors are sometimes printed without their {"error":…} wrapper; llama.cpp's
            // error: SSE field carries the bare error object; FastAPI servers answer {"detail":…}.
            return errorObject(node, depth);
        }

        /** The fields of one error object; returns the most specific message found in or below it. */
        @Nullable
        String errorObject(JsonNode error, int depth) {
            JsonNode code = error.get("code");
            if (code != null && code.isIntegralNumber() && code.canConvertToInt()) {
                statusCodes.add(code.intValue());
            } else if (code != null && code.isTextual() && !code.textValue().isBlank()) {
                String text = code.textValue().strip();
                if (STATUS_NUMBER.matcher(text).matches()) {
                    statusCodes.add(Integer.parseInt(text)); // Azure 429: "code":"429"
                } else {
                    codes.add(text);
                }
                texts.add(text);
            }
            addText(error.get("type"), types);
            addText(error.get("status"), statuses);
            JsonNode param = error.get("param");
            if (param != null && param.isTextual() && !param.textValue().isBlank()) {
                this.param = param.textValue();
            }
            JsonNode failed = error.get("failed_generation");
            if (failed != null && failed.isTextual() && !failed.textValue().isBlank()) {
                failedGeneration = failed.textValue();
            }
            findRetryDelay(error.get("details"), 0);

            String own = message(error.get("message"), depth);
            if (own == null) {
                own = message(error.get("detail"), depth);
            }
            String wrapped = wrapped(error.get("metadata"), depth);
            return wrapped != null ? wrapped : own;
        }

        /**
         * OpenRouter: {@code metadata.raw} holds the provider's own error body as a string (sometimes
         * as an object), and {@code metadata.provider_name} says whose it is. The provider's message is
         * the useful one; OpenRouter's own is "Provider returned error".
         */
        private @Nullable String wrapped(@Nullable JsonNode metadata, int depth) {
            if (metadata == null || !metadata.isObject()) {
                return null;
            }
            JsonNode raw = metadata.get("raw");
            String message = null;
            if (raw != null && raw.isTextual() && !raw.textValue().isBlank()) {
                message = messageText(raw.textValue(), depth + 1);
            } else if (raw != null && raw.isContainerNode()) {
                message = root(raw, depth + 1);
            }
            if (message == null || message.isBlank()) {
                return null;
            }
            JsonNode provider = metadata.get("provider_name");
            return provider != null
                            && provider.isTextual()
                            && !provider.textValue().isBlank()
                    ? provider.textValue() + ": " + message
                    : message;
        }

        /** A {@code message} or {@code detail} value of any type. */
        private @Nullable String message(@Nullable JsonNode value, int depth) {
            if (value == null || value.isNull() || value.isMissingNode()) {
                return null;
            }
            if (value.isTextual()) {
                return value.textValue().isBlank() ? null : messageText(value.textValue(), depth);
            }
            if (value.isObject()) {
                // Mistral 422: "message":{"detail":[{"type":"extra_forbidden","loc":[…],"msg":…}]}
                JsonNode detail = value.get("detail");
                if (detail != null) {
                    return message(detail, depth);
                }
                if (value.has("message") || value.has("error")) {
                    return root(value, depth + 1);
                }
            }
            if (value.isArray()) {
                String rendered = validationErrors(value);
                if (rendered != null) {
                    return rendered;
                }
            }
            String compact = value.toString();
            texts.add(compact);
            return compact;
        }

        /**
         * A message string, which may itself be a JSON error document (Gemini's OpenAI-compatible
         * layer puts the native Google error JSON, pretty-printed, into {@code error.message}).
         */
        private String messageText(String text, int depth) {
            texts.add(text);
            String trimmed = text.strip();
            if (depth < MAX_DEPTH && (trimmed.startsWith("{") || trimmed.startsWith("["))) {
                JsonNode nested = readJson(trimmed);
                if (nested != null) {
                    String inner = root(nested, depth + 1);
                    if (inner != null && !inner.isBlank()) {
                        return inner;
                    }
                }
            }
            return trimmed;
        }

        /**
         * Pydantic/FastAPI validation errors, one per offending field, rendered the way a person
         * reads them: {@code extra_forbidden at body.max_completion_tokens: Extra inputs are not
         * permitted}. Returns null when the array does not look like a validation error list.
         */
        private @Nullable String validationErrors(JsonNode array) {
            List<String> parts = new ArrayList<>();
            for (JsonNode item : array) {
                if (!item.isObject() || !item.has("msg")) {
                    return null;
                }
                StringBuilder part = new StringBuilder();
                JsonNode type = item.get("type");
                if (type != null && type.isTextual()) {
                    part.append(type.textValue());
                    texts.add(type.textValue());
                }
                JsonNode loc = item.get("loc");
                if (loc != null && loc.isArray() && !loc.isEmpty()) {
                    List<String> path = new ArrayList<>();
                    loc.forEach(segment -> path.add(segment.asText()));
                    part.append(part.length() > 0 ? " at " : "at ").append(String.join(".", path));
                }
                if (part.length() > 0) {
                    part.append(": ");
                }
                part.append(item.get("msg").asText());
                parts.add(part.toString());
            }
            if (parts.isEmpty()) {
                return null;
            }
            String rendered = String.join("; ", parts);
            texts.add(rendered);
            return rendered;
        }

        private void addText(@Nullable JsonNode value, List<String> into) {
            if (value != null && value.isTextual() && !value.textValue().isBlank()) {
                into.add(value.textValue());
                texts.add(value.textValue());
            }
        }

        /**
         * Google's {@code google.rpc.RetryInfo} detail: {@code {"@type":"…RetryInfo","retryDelay":"37s"}}
         * inside {@code error.details}.
         */
        private void findRetryDelay(@Nullable JsonNode node, int depth) {
            if (node == null || depth > MAX_DEPTH || retryDelay != null) {
                return;
            }
            if (node.isObject()) {
                JsonNode delay = node.get("retryDelay");
                if (delay != null && delay.isTextual()) {
                    retryDelay = RetryHints.parseGoDuration(delay.textValue());
                }
            }
            if (node.isContainerNode()) {
                for (JsonNode child : node) {
                    findRetryDelay(child, depth + 1);
                }
            }
        }
    }
}
