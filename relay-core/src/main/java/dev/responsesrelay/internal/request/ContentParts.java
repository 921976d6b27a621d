package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.JsonFields.optionalText;
import static dev.responsesrelay.internal.JsonFields.requireObjectElement;
import static dev.responsesrelay.internal.JsonFields.requireText;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.internal.JsonFields;
import dev.responsesrelay.internal.Utf8SliceNode;
import dev.responsesrelay.internal.dialect.ProviderDialect;
import java.util.ArrayList;
import java.util.List;

/**
 * Converts the content of one Responses item (a message's {@code content}, a tool call's {@code
 * output}) to what Chat carries: a plain string, or {@code text} and {@code image_url} parts.
 *
 * <p>Split out of {@link MessageAssembler} (issue 15 §1: no class in the core over about 500
 * lines) because content conversion is a concern of its own: it knows part types and the
 * profile's image rule ({@link ProviderDialect#imageInput()}), and nothing about turns or message
 * order. One instance per request, since it warns about dropped images only once; not
 * thread-safe.
 */
final class ContentParts {
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ProviderProfile profile;
    private final List<String> warnings;

    /** Whether a warning about dropped images was given already. */
    private boolean imagesWarned;

    ContentParts(ProviderProfile profile, List<String> warnings) {
        this.profile = profile;
        this.warnings = warnings;
    }

    /**
     * Message content as Chat wants it: a string when every part is text (joined by newlines), else
     * an array of {@code text} and {@code image_url} parts in their original order.
     */
    JsonNode messageContent(JsonNode content, String path, boolean imagesAllowed) {
        String contentPath = path + "/content";
        if (content.isTextual()) {
            return content;
        }
        if (!content.isArray()) {
            throw new InvalidRequestException("content must be a string or an array", contentPath);
        }
        if (content.size() == 1 && isTextPart(content.get(0))) {
            return readTextPart((ObjectNode) content.get(0), contentPath + "/0");
        }
        List<JsonNode> parts = new ArrayList<>(content.size());
        boolean hasImage = false;
        for (int i = 0; i < content.size(); i++) {
            String partPath = contentPath + "/" + i;
            ObjectNode part = requireObjectElement(content.get(i), partPath);
            String type = requireText(part, "type", partPath, true);
            if (type.equals("input_image")) {
                if (!imagesAllowed) {
                    throw new InvalidRequestException(
                            "input_image is only supported in user messages", partPath + "/type");
                }
                JsonNode image = imagePart(part, partPath);
                parts.add(image);
                hasImage |= !image.isTextual();
            } else {
                parts.add(textOf(part, type, partPath));
            }
        }
        if (!hasImage) {
            return TextNode.valueOf(joinTexts(parts));
        }
        ArrayNode out = NODES.arrayNode(parts.size());
        for (JsonNode part : parts) {
            if (part.isTextual()) {
                out.addObject().put("type", "text").set("text", part);
            } else {
                out.add(part);
            }
        }
        return out;
    }

    private static boolean isTextPart(JsonNode part) {
        JsonNode type = part.get("type");
        return type != null && ("input_text".equals(type.textValue()) || "output_text".equals(type.textValue()));
    }

    private static TextNode readTextPart(ObjectNode part, String partPath) {
        JsonNode text = JsonFields.value(part, "text");
        if (text == null || !text.isTextual()) {
            throw new InvalidRequestException("text must be a string", partPath + "/text");
        }
        return (TextNode) text;
    }

    /** A text-like part's text as a node (no copy), or a typed error for parts Chat cannot carry. */
    private static TextNode textOf(ObjectNode part, String type, String partPath) {
        return switch (type) {
            case "input_text", "output_text", "text" -> readTextPart(part, partPath);
            // Chat's own refusal field is OpenAI-only; as text the model still sees what it said.
            case "refusal" -> TextNode.valueOf(requireText(part, "refusal", partPath, false));
            case "input_file", "input_audio" ->
                throw new InvalidRequestException(
                        type + " parts are not supported: Chat Completions providers take text and images only",
                        partPath + "/type");
            default -> throw new InvalidRequestException("unknown content part type " + type, partPath + "/type");
        };
    }

    /**
     * {@code input_image} → {@code {type: image_url, image_url: {url, detail?}}}, or a text
     * placeholder where the profile refuses the image (docs/dialects.md rule 28: DeepSeek answers
     * "unknown variant `image_url`", Ollama "image URLs are not currently supported"), so the model
     * at least learns an image was there.
     */
    private JsonNode imagePart(ObjectNode part, String partPath) {
        // A large data URL stays a slice of the body (issue 18): only its start is looked at here.
        String url = part.get("image_url") instanceof Utf8SliceNode slice
                ? (slice.startsWithIgnoreCase("data:") ? "data:" : "")
                : optionalText(part, "image_url", partPath);
        if (url == null) {
            if (JsonFields.value(part, "file_id") != null) {
                throw new InvalidRequestException(
                        "file_id images are not supported: this relay stores no files; send the image as a"
                                + " data URL or an http URL",
                        partPath + "/file_id");
            }
            throw new InvalidRequestException("image_url is required", partPath + "/image_url");
        }
        String refused = switch (ProviderDialect.of(profile).imageInput()) {
            case ANY -> null;
            case DATA_URLS -> url.regionMatches(true, 0, "data:", 0, 5) ? null : "only data URLs are accepted";
            case NONE -> "images are not accepted";
        };
        if (refused != null) {
            if (!imagesWarned) {
                imagesWarned = true;
                warnings.add("replaced image at " + partPath + " (and any later ones) with a text placeholder: "
                        + profile.name() + " " + refused);
            }
            return TextNode.valueOf("[image omitted: " + profile.name() + " " + refused + "]");
        }
        ObjectNode out = NODES.objectNode();
        out.put("type", "image_url");
        ObjectNode image = out.putObject("image_url");
        image.set("url", part.get("image_url"));
        String detail = optionalText(part, "detail", partPath);
        if (detail != null) {
            image.put("detail", detail);
        }
        return out;
    }

    /** Tool output: text parts joined by newlines, and images kept apart. */
    ToolOutput toolOutput(JsonNode output, String outputPath) {
        if (output.isTextual()) {
            return new ToolOutput(output.textValue(), List.of());
        }
        if (!output.isArray()) {
            throw new InvalidRequestException("output must be a string or an array", outputPath);
        }
        List<JsonNode> texts = new ArrayList<>(output.size());
        List<ObjectNode> images = new ArrayList<>();
        for (int i = 0; i < output.size(); i++) {
            String partPath = outputPath + "/" + i;
            ObjectNode part = requireObjectElement(output.get(i), partPath);
            String type = requireText(part, "type", partPath, true);
            if (type.equals("input_image")) {
                JsonNode image = imagePart(part, partPath);
                if (image.isTextual()) {
                    texts.add(image);
                } else {
                    images.add((ObjectNode) image);
                }
            } else {
                texts.add(textOf(part, type, partPath));
            }
        }
        return new ToolOutput(joinTexts(texts), images);
    }

    private static String joinTexts(List<JsonNode> texts) {
        if (texts.size() == 1) {
            return texts.get(0).textValue();
        }
        int length = 0;
        for (JsonNode text : texts) {
            length += text.textValue().length() + 1;
        }
        StringBuilder out = new StringBuilder(length);
        for (JsonNode text : texts) {
            if (out.length() > 0) {
                out.append('\n');
            }
            out.append(text.textValue());
        }
        return out.toString();
    }

    /** What one tool call returned: its text parts joined, and its images kept apart. */
    record ToolOutput(String text, List<ObjectNode> images) {}
}
