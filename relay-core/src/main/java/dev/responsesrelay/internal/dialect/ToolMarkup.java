package dev.responsesrelay.internal.dialect;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.internal.Json;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Tool-call markup that leaked into {@code content} because the server's tool parser missed it
 * (docs/dialects.md rule 23; {@link dev.responsesrelay.HealingRule#LEAKED_TOOL_MARKUP}, off by default).
 * Recognised forms:
 *
 * <ul>
 *   <li>Kimi K2: {@code <|tool_calls_section_begin|><|tool_call_begin|>functions.NAME:IDX
 *       <|tool_call_argument_begin|>{…}<|tool_call_end|>…<|tool_calls_section_end|>}; the id
 *       {@code functions.NAME:IDX} is kept, since Kimi wants it back verbatim;
 *   <li>Hermes and Qwen: {@code <tool_call>{"name":…,"arguments":{…}}</tool_call>};
 *   <li>Llama and Qwen3-Coder: {@code <function=NAME>{…}</function>} or {@code
 *       <function=NAME><parameter=P>value</parameter>…</function>}, also inside {@code <tool_call>};
 *       Groq's {@code failed_generation} texts also come as {@code <function=NAME{…}</function>}.
 * </ul>
 *
 * <p>As a gate on the streamed text, it passes text through until a marker starts (holding back a
 * tail that could still become one), then holds everything until {@link #release()}. Not
 * thread-safe; one per stream.
 */
public final class ToolMarkup {
    private static final String[] MARKERS = {
        "<|tool_calls_section_begin|>", "<|tool_call_begin|>", "<tool_call>", "<function="
    };

    private static final Pattern KIMI_CALL = Pattern.compile(
            "<\\|tool_call_begin\\|>\\s*(.+?)\\s*<\\|tool_call_argument_begin\\|>(.*?)(?:<\\|tool_call_end\\|>|$)",
            Pattern.DOTALL);
    private static final Pattern KIMI_SECTION_MARKS = Pattern.compile("<\\|tool_calls_section_(?:begin|end)\\|>");
    private static final Pattern TOOL_CALL = Pattern.compile("<tool_call>(.*?)(?:</tool_call>|$)", Pattern.DOTALL);
    /** {@code <function=NAME>BODY</function>}; Groq's failed generations also drop the {@code >}. */
    private static final Pattern FUNCTION =
            Pattern.compile("<function=([A-Za-z0-9_.:-]+)>?(.*?)(?:</function>|$)", Pattern.DOTALL);

    private static final Pattern PARAMETER =
            Pattern.compile("<parameter=([^>\\s]+)>\\n?(.*?)\\n?</parameter>", Pattern.DOTALL);

    /** One call found in markup; {@code id} only where the markup names one (Kimi). */
    public record ParsedCall(@Nullable String id, String name, String arguments) {}

    /** What held text turned out to be: calls, and the text around them. */
    public record Parsed(List<ParsedCall> calls, String text) {}

    private final StringBuilder held = new StringBuilder();
    private boolean capturing;

    /** The part of {@code text} that may be shown now. */
    public String feed(String text) {
        if (capturing) {
            held.append(text);
            return "";
        }
        held.append(text);
        String all = held.toString();
        int start = firstMarker(all);
        if (start >= 0) {
            capturing = true;
            held.delete(0, start);
            return all.substring(0, start);
        }
        int keep = partialMarkerTail(all);
        held.delete(0, all.length() - keep);
        return all.substring(0, all.length() - keep);
    }

    /** Whether a marker was seen, so that text is being held. */
    boolean capturing() {
        return capturing;
    }

    /** Everything held back, which the gate forgets. */
    public String release() {
        String out = held.toString();
        held.setLength(0);
        capturing = false;
        return out;
    }

    private static int firstMarker(String text) {
        int first = -1;
        for (String marker : MARKERS) {
            int at = text.indexOf(marker);
            if (at >= 0 && (first < 0 || at < first)) {
                first = at;
            }
        }
        return first;
    }

    /** The length of the longest tail of {@code text} that is a proper prefix of a marker. */
    private static int partialMarkerTail(String text) {
        int best = 0;
        for (String marker : MARKERS) {
            for (int len = Math.min(marker.length() - 1, text.length()); len > best; len--) {
                if (text.regionMatches(text.length() - len, marker, 0, len)) {
                    best = len;
                    break;
                }
            }
        }
        return best;
    }

    /** Reads calls out of held text; whatever is not a call stays text. */
    public static Parsed parse(String held) {
        List<ParsedCall> calls = new ArrayList<>();
        String text;
        if (held.contains("<|tool_call_begin|>")) {
            text = extract(held, KIMI_CALL, ToolMarkup::kimiCall, calls);
            text = KIMI_SECTION_MARKS.matcher(text).replaceAll("");
        } else if (held.contains("<tool_call>")) {
            text = extract(held, TOOL_CALL, m -> parseInner(m.group(1).strip()), calls);
        } else {
            text = extract(
                    held, FUNCTION, m -> functionCall(m.group(1), m.group(2).strip()), calls);
        }
        String rest = calls.isEmpty() ? held : text.strip();
        return new Parsed(List.copyOf(calls), rest);
    }

    /**
     * Reads every match of {@code markup} in {@code held} with {@code toCall} into {@code calls} and
     * returns the text around the matches; a match {@code toCall} cannot read (null) stays in the
     * text as it was.
     */
    private static String extract(
            String held, Pattern markup, Function<Matcher, @Nullable ParsedCall> toCall, List<ParsedCall> calls) {
        StringBuilder text = new StringBuilder();
        int last = 0;
        Matcher m = markup.matcher(held);
        while (m.find()) {
            text.append(held, last, m.start());
            ParsedCall call = toCall.apply(m);
            if (call == null) {
                text.append(m.group());
            } else {
                calls.add(call);
            }
            last = m.end();
        }
        return text.append(held, last, held.length()).toString();
    }

    /**
     * A Kimi call, {@code functions.NAME:INDEX} followed by its arguments: the id is kept whole, the
     * name is what stands between the prefix and the index.
     */
    private static @Nullable ParsedCall kimiCall(Matcher m) {
        String id = m.group(1);
        String name = id;
        int colon = name.lastIndexOf(':');
        if (colon > 0) {
            name = name.substring(0, colon);
        }
        if (name.startsWith("functions.")) {
            name = name.substring("functions.".length());
        }
        return name.isEmpty() ? null : new ParsedCall(id, name, m.group(2).strip());
    }

    /** The inside of {@code <tool_call>}: a JSON object with name and arguments, or a function tag. */
    private static @Nullable ParsedCall parseInner(String inner) {
        Matcher function = FUNCTION.matcher(inner);
        if (inner.startsWith("<function=") && function.find()) {
            return functionCall(function.group(1), function.group(2).strip());
        }
        JsonNode node = readJson(inner);
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode name = node.get("name");
        if (name == null || !name.isTextual() || name.textValue().isEmpty()) {
            return null;
        }
        JsonNode arguments = node.has("arguments") ? node.get("arguments") : node.get("parameters");
        return new ParsedCall(null, name.textValue(), argumentsText(arguments));
    }

    /** {@code <function=NAME>} with a JSON body, or with {@code <parameter=…>} tags. */
    private static @Nullable ParsedCall functionCall(String name, String body) {
        if (body.isEmpty()) {
            return new ParsedCall(null, name, "{}");
        }
        if (body.startsWith("{")) {
            JsonNode node = readJson(body);
            return node == null ? null : new ParsedCall(null, name, node.toString());
        }
        Matcher parameter = PARAMETER.matcher(body);
        ObjectNode arguments = Json.MAPPER.createObjectNode();
        while (parameter.find()) {
            String value = parameter.group(2);
            JsonNode typed = readJson(value.strip());
            // Values are text unless they read as JSON that is not a string (numbers, booleans,
            // objects, arrays), which is how Qwen3-Coder's parser types them too.
            arguments.set(
                    parameter.group(1),
                    typed != null && !typed.isTextual()
                            ? typed
                            : Json.MAPPER.getNodeFactory().textNode(value));
        }
        return arguments.isEmpty() ? null : new ParsedCall(null, name, arguments.toString());
    }

    /**
     * The model's raw text from Groq's {@code tool_use_failed} error ({@code error.failed_generation},
     * docs/dialects.md §1.6), which Groq also sends mid-stream; null for any other payload.
     */
    public static @Nullable String failedGeneration(String errorPayload) {
        JsonNode root = readJson(errorPayload.strip());
        JsonNode error = root == null ? null : root.get("error");
        if (error == null
                || !error.isObject()
                || !"tool_use_failed".equals(error.path("code").asText())) {
            return null;
        }
        JsonNode generation = error.get("failed_generation");
        return generation != null && generation.isTextual() ? generation.textValue() : null;
    }

    private static String argumentsText(@Nullable JsonNode arguments) {
        if (arguments == null || arguments.isNull()) {
            return "{}";
        }
        return arguments.isTextual() ? arguments.textValue() : arguments.toString();
    }

    private static @Nullable JsonNode readJson(String text) {
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Json.MAPPER.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
