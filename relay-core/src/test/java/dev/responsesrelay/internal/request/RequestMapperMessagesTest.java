package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.request.RequestMapperTestSupport.chat;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.invalid;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.map;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.tree;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.withInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.responsesrelay.ProviderProfile;
import org.junit.jupiter.api.Test;

/**
 * Message items and their content. Inputs are synthetic, shaped after the message items in
 * docs/codex-wire.md §1.3 (developer/user/assistant messages, several input_text parts, an input_image
 * data URL with detail, an assistant output_text with annotations, echoed id and status).
 */
class RequestMapperMessagesTest {
    @Test
    void stringInputBecomesOneUserMessage() {
        JsonNode messages = chat(withInput("\"Say hello\"")).at("/messages");
        assertThat(messages).isEqualTo(tree("[{\"role\":\"user\",\"content\":\"Say hello\"}]"));
    }

    @Test
    void instructionsBecomeLeadingSystemMessage() {
        JsonNode messages = chat("{\"model\":\"m\",\"instructions\":\"Be brief.\",\"input\":\"hi\"}")
                .at("/messages");
        assertThat(messages)
                .isEqualTo(tree(
                        "[{\"role\":\"system\",\"content\":\"Be brief.\"},{\"role\":\"user\",\"content\":\"hi\"}]"));
    }

    @Test
    void instructionsAloneAreEnough() {
        assertThat(chat("{\"model\":\"m\",\"instructions\":\"Be brief.\"}")
                        .at("/messages")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void developerBecomesSystemByDefault() {
        JsonNode message = chat(withInput(
                        "[{\"type\":\"message\",\"role\":\"developer\",\"content\":[{\"type\":\"input_text\",\"text\":\"rules\"}]}]"))
                .at("/messages/0");
        assertThat(message).isEqualTo(tree("{\"role\":\"system\",\"content\":\"rules\"}"));
    }

    @Test
    void developerStaysDeveloperWhenProfileAcceptsIt() {
        String request = withInput("[{\"type\":\"message\",\"role\":\"developer\",\"content\":\"rules\"}]");
        assertThat(chat(request, ProviderProfile.OPENAI).at("/messages/0/role").asText())
                .isEqualTo("developer");
    }

    @Test
    void systemRoleStaysSystem() {
        String request = withInput("[{\"type\":\"message\",\"role\":\"system\",\"content\":\"rules\"}]");
        assertThat(chat(request).at("/messages/0/role").asText()).isEqualTo("system");
    }

    @Test
    void textPartsCollapseIntoOneStringJoinedByNewlines() {
        // docs/codex-wire.md §1.3: the second developer message carries two input_text parts.
        JsonNode content = chat(withInput(
                        "[{\"type\":\"message\",\"role\":\"developer\",\"content\":["
                                + "{\"type\":\"input_text\",\"text\":\"<skills_instructions>…</skills_instructions>\"},"
                                + "{\"type\":\"input_text\",\"text\":\"<permissions instructions>…</permissions instructions>\"}]}]"))
                .at("/messages/0/content");
        assertThat(content.asText())
                .isEqualTo("<skills_instructions>…</skills_instructions>\n"
                        + "<permissions instructions>…</permissions instructions>");
    }

    @Test
    void userImagesKeepAnArrayOfPartsInOrder() {
        JsonNode content = chat(withInput("[{\"type\":\"message\",\"role\":\"user\",\"content\":["
                        + "{\"type\":\"input_text\",\"text\":\"<image name=[Image #1]>\"},"
                        + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"high\"},"
                        + "{\"type\":\"input_text\",\"text\":\"</image>\"},"
                        + "{\"type\":\"input_image\",\"image_url\":\"https://example.com/cat.png\"},"
                        + "{\"type\":\"input_text\",\"text\":\"What color is this image?\"}]}]"))
                .at("/messages/0/content");
        assertThat(content)
                .isEqualTo(tree("[{\"type\":\"text\",\"text\":\"<image name=[Image #1]>\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"data:image/png;base64,iVBORw0KGgo=\",\"detail\":\"high\"}},"
                        + "{\"type\":\"text\",\"text\":\"</image>\"},"
                        + "{\"type\":\"image_url\",\"image_url\":{\"url\":\"https://example.com/cat.png\"}},"
                        + "{\"type\":\"text\",\"text\":\"What color is this image?\"}]"));
    }

    @Test
    void imageOutsideUserMessageIsRejected() {
        String request = withInput("[{\"type\":\"message\",\"role\":\"developer\",\"content\":["
                + "{\"type\":\"input_image\",\"image_url\":\"data:image/png;base64,AA==\"}]}]");
        assertThat(invalid(request).path()).isEqualTo("/input/0/content/0/type");
    }

    @Test
    void imageByFileIdIsRejected() {
        String request = withInput("[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"see\"},"
                + "{\"type\":\"input_image\",\"file_id\":\"file_123\"}]}]");
        assertThat(invalid(request).path()).isEqualTo("/input/0/content/1/file_id");
    }

    @Test
    void inputFilePartIsRejected() {
        String request = withInput("[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"see\"},"
                + "{\"type\":\"input_file\",\"file_id\":\"file_123\"}]}]");
        assertThat(invalid(request).getMessage()).contains("input_file parts are not supported");
    }

    @Test
    void unknownPartTypeIsRejectedWithItsPath() {
        String request = withInput("[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\",\"text\":\"a\"},"
                + "{\"type\":\"hologram\"}]}]");
        assertThat(invalid(request).path()).isEqualTo("/input/0/content/1/type");
    }

    @Test
    void textPartWithoutTextIsRejected() {
        assertThat(invalid(withInput("[{\"role\":\"user\",\"content\":[{\"type\":\"input_text\"}]}]"))
                        .path())
                .isEqualTo("/input/0/content/0/text");
    }

    @Test
    void assistantOutputTextBecomesStringContent() {
        JsonNode message = chat(withInput(
                        "[{\"type\":\"message\",\"status\":\"completed\",\"id\":\"msg_9\","
                                + "\"role\":\"assistant\",\"content\":[{\"type\":\"output_text\",\"text\":\"Hello!\",\"annotations\":[]}]}]"))
                .at("/messages/0");
        assertThat(message).isEqualTo(tree("{\"role\":\"assistant\",\"content\":\"Hello!\"}"));
    }

    @Test
    void refusalPartBecomesAssistantText() {
        JsonNode message = chat(withInput("[{\"role\":\"assistant\",\"content\":["
                        + "{\"type\":\"refusal\",\"refusal\":\"I can't help with that.\"}]}]"))
                .at("/messages/0/content");
        assertThat(message.asText()).isEqualTo("I can't help with that.");
    }

    @Test
    void messageWithoutTypeIsAMessage() {
        assertThat(chat(withInput("[{\"role\":\"user\",\"content\":\"hi\"}]"))
                        .at("/messages/0/content")
                        .asText())
                .isEqualTo("hi");
    }

    @Test
    void itemIdAndStatusAreNeverForwarded() {
        String request = withInput("[{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"user\","
                + "\"internal_chat_message_metadata_passthrough\":{\"turn_id\":\"t\"},\"content\":\"hi\"},"
                + "{\"type\":\"function_call\",\"status\":\"completed\",\"id\":\"fc_1\",\"name\":\"f\",\"arguments\":\"{}\",\"call_id\":\"c\"},"
                + "{\"type\":\"function_call_output\",\"id\":\"fco_1\",\"call_id\":\"c\",\"output\":\"ok\"}]");
        for (JsonNode message : chat(request).at("/messages")) {
            assertThat(message.has("id")).isFalse();
            assertThat(message.has("status")).isFalse();
            assertThat(message.has("internal_chat_message_metadata_passthrough"))
                    .isFalse();
        }
    }

    @Test
    void emptyAssistantMessageIsDropped() {
        JsonNode messages = chat(withInput("[{\"role\":\"user\",\"content\":\"hi\"},"
                        + "{\"role\":\"assistant\",\"content\":[]},{\"role\":\"user\",\"content\":\"again\"}]"))
                .at("/messages");
        assertThat(messages.findValuesAsText("role")).containsExactly("user", "user");
    }

    @Test
    void consecutiveAssistantTextsShareOneMessage() {
        JsonNode messages = chat(withInput("[{\"role\":\"user\",\"content\":\"hi\"},"
                        + "{\"role\":\"assistant\",\"content\":\"one\"},{\"role\":\"assistant\",\"content\":\"two\"}]"))
                .at("/messages");
        assertThat(messages.size()).isEqualTo(2);
        assertThat(messages.at("/1/content").asText()).isEqualTo("one\ntwo");
    }

    @Test
    void unknownRoleIsRejected() {
        assertThat(invalid(withInput("[{\"role\":\"narrator\",\"content\":\"hi\"}]"))
                        .path())
                .isEqualTo("/input/0/role");
    }

    @Test
    void messageWithoutContentIsRejected() {
        assertThat(invalid(withInput("[{\"type\":\"message\",\"role\":\"user\"}]"))
                        .path())
                .isEqualTo("/input/0/content");
    }

    @Test
    void mappingNeverWarnsForAPlainConversation() {
        assertThat(map(withInput("[{\"role\":\"user\",\"content\":\"hi\"}]")).warnings())
                .isEmpty();
    }
}
