package dev.responsesrelay.internal.codex;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.JsonFields;
import java.util.Base64;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Codex's "remote compaction v2" (docs/codex-wire.md §3;
 * docs/research/codex-websocket-and-remote-compaction.md §3), done by the relay on a Chat upstream that has no such endpoint.
 *
 * <ul>
 *   <li>A request whose input ends with {@code {"type":"compaction_trigger"}} becomes an ordinary
 *       summarising request: the trigger is replaced by Codex's own local-compaction prompt as the
 *       last user message, with no tools (as Codex's local compaction sends, capture 06_002). Its
 *       answer must be exactly one {@code compaction} output item (Codex fails the turn fatally on
 *       any other count, compact_remote_v2.rs {@code collect_compaction_output}); see {@link
 *       #toCompactionResponse}.
 *   <li>The {@code encrypted_content} of that item is the relay's own envelope, {@value #PREFIX}
 *       + base64url(JSON {@code {"v":1,"summary":…}}). Codex never reads it and sends the item back
 *       verbatim in later inputs; there it is expanded into the user message Codex's local
 *       compaction would have written ({@link #SUMMARY_PREFIX} + newline + summary, capture 06_003).
 *   <li>A {@code compaction} item that is not ours (real OpenAI ciphertext) cannot be read: a 400
 *       naming its path.
 * </ul>
 *
 * <p>The envelope is not encrypted: it only has to survive the round trip through the client, and
 * the summary is the client's own conversation.
 */
public final class Compaction {
    /** Marks an {@code encrypted_content} the relay wrote; the digit is the envelope version. */
    public static final String PREFIX = "rrcompact1:";

    /** Codex's compaction prompt, verbatim from codex-rs/prompts/templates/compact/prompt.md (capture 06_002). */
    public static final String PROMPT = """
            You are performing a CONTEXT CHECKPOINT COMPACTION. Create a handoff summary for another LLM that will resume the task.

            Include:
            - Current progress and key decisions made
            - Important context, constraints, or user preferences
            - What remains to be done (clear next steps)
            - Any critical data, examples, or references needed to continue

            Be concise, structured, and focused on helping the next LLM seamlessly continue the work.""";

    /** What Codex's local compaction puts before a summary (codex-rs/prompts/templates/compact/summary_prefix.md, capture 06_003). */
    public static final String SUMMARY_PREFIX =
            "Another language model started to solve this problem and produced a summary of its thinking"
                    + " process. You also have access to the state of the tools that were used by that language"
                    + " model. Use this to build on the work that has already been done and avoid duplicating"
                    + " work. Here is the summary produced by the other language model, use the information in"
                    + " this summary to assist with your own analysis:";

    private static final int ENVELOPE_VERSION = 1;
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Compaction() {}

    /**
     * Rewrites the compaction items of a parsed Responses request in place: every {@code compaction}
     * item becomes the summary user message, and a trailing {@code compaction_trigger} becomes the
     * summarising prompt (dropping {@code tools}, {@code tool_choice} and {@code parallel_tool_calls}).
     *
     * @return whether this is a compaction request, whose answer must be a single compaction item
     * @throws InvalidRequestException for a compaction item the relay did not write, or a trigger
     *     that is not the last input item
     */
    public static boolean prepare(ObjectNode request) {
        if (!(JsonFields.value(request, "input") instanceof ArrayNode input)) {
            return false;
        }
        boolean trigger = false;
        for (int i = 0; i < input.size(); i++) {
            if (!(input.get(i) instanceof ObjectNode item)) {
                continue; // the message assembler names the path of a non-object item
            }
            String path = "/input/" + i;
            String type = JsonFields.optionalText(item, "type", path);
            // compaction_summary is the serde alias of compaction (codex protocol/src/models.rs).
            if ("compaction".equals(type) || "compaction_summary".equals(type)) {
                String content = JsonFields.requireText(item, "encrypted_content", path, true);
                input.set(i, userMessage(SUMMARY_PREFIX + "\n" + decode(content, path + "/encrypted_content")));
            } else if ("compaction_trigger".equals(type)) {
                if (i != input.size() - 1) {
                    throw new InvalidRequestException("compaction_trigger must be the last input item", path + "/type");
                }
                input.set(i, userMessage(PROMPT));
                trigger = true;
            }
        }
        if (trigger) {
            // The summary is text; a tool call here would be a compaction with no summary.
            request.remove("tools");
            request.remove("tool_choice");
            request.remove("parallel_tool_calls");
        }
        return trigger;
    }

    /** Wraps a summary in the relay's envelope. */
    public static String encode(String summary) {
        ObjectNode envelope = NODES.objectNode();
        envelope.put("v", ENVELOPE_VERSION);
        envelope.put("summary", summary);
        byte[] json;
        try {
            json = Json.MAPPER.writeValueAsBytes(envelope);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a two-field object always serialises", e);
        }
        return PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(json);
    }

    /**
     * Reads the summary out of an envelope {@link #encode} wrote.
     *
     * @param path the JSON pointer of the {@code encrypted_content}, for the error
     * @throws InvalidRequestException if it is not the relay's envelope
     */
    public static String decode(String encryptedContent, String path) {
        if (!encryptedContent.startsWith(PREFIX)) {
            throw new InvalidRequestException(
                    "this compaction item was not written by this relay (its encrypted_content does not"
                            + " start with " + PREFIX + "), so its summary cannot be read; start a new"
                            + " conversation, or compact it with the relay that answers now",
                    path);
        }
        try {
            byte[] json = Base64.getUrlDecoder().decode(encryptedContent.substring(PREFIX.length()));
            JsonNode envelope = Json.MAPPER.readTree(json);
            JsonNode summary = envelope == null ? null : envelope.get("summary");
            JsonNode version = envelope == null ? null : envelope.get("v");
            if (version == null || version.asInt() != ENVELOPE_VERSION || summary == null || !summary.isTextual()) {
                throw new InvalidRequestException("the relay's compaction envelope is damaged", path);
            }
            return summary.textValue();
        } catch (IllegalArgumentException | java.io.IOException e) {
            throw new InvalidRequestException("the relay's compaction envelope is damaged: " + e.getMessage(), path, e);
        }
    }

    /**
     * Turns a completed summarising response into the answer Codex expects: its {@code output}
     * replaced by one {@code compaction} item carrying the summary (the text of its messages). A
     * response that is not {@code completed}, or whose text is blank, is returned empty: the caller
     * answers with a failure, since an empty summary would silently erase the conversation.
     */
    static Optional<ObjectNode> toCompactionResponse(ObjectNode response, IdGenerator ids) {
        if (!"completed".equals(textOf(response.get("status")))) {
            return Optional.empty();
        }
        String summary = summaryText(response.get("output"));
        if (summary.isBlank()) {
            return Optional.empty();
        }
        ObjectNode copy = response.deepCopy();
        copy.putArray("output").add(compactionItem(ids.newId("cmp_"), summary));
        return Optional.of(copy);
    }

    /** The output item of a compaction answer (docs/research/codex-websocket-and-remote-compaction.md §3.3: type, id, string encrypted_content). */
    static ObjectNode compactionItem(String id, String summary) {
        ObjectNode item = NODES.objectNode();
        item.put("type", "compaction");
        item.put("id", id);
        item.put("encrypted_content", encode(summary));
        return item;
    }

    private static String summaryText(@Nullable JsonNode output) {
        StringBuilder text = new StringBuilder();
        if (output instanceof ArrayNode items) {
            for (JsonNode item : items) {
                if (!"message".equals(textOf(item.get("type"))) || !(item.get("content") instanceof ArrayNode parts)) {
                    continue;
                }
                for (JsonNode part : parts) {
                    if ("output_text".equals(textOf(part.get("type")))) {
                        text.append(textOf(part.get("text")));
                    }
                }
            }
        }
        return text.toString().strip();
    }

    private static String textOf(@Nullable JsonNode node) {
        return node != null && node.isTextual() ? node.textValue() : "";
    }

    private static ObjectNode userMessage(String text) {
        ObjectNode message = NODES.objectNode();
        message.put("type", "message");
        message.put("role", "user");
        message.putArray("content").addObject().put("type", "input_text").put("text", text);
        return message;
    }
}
