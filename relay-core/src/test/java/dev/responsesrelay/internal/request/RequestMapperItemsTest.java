package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.request.RequestMapperTestSupport.invalid;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.map;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.tree;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.withInput;
import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.InvalidRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Input item types beyond messages and tool calls. Inputs are synthetic, shaped after the
 * ResponseItem variants listed in docs/codex-wire.md §1.3 and the remote-compaction items of §3.2.
 */
class RequestMapperItemsTest {
    private static final String USER = "{\"role\":\"user\",\"content\":\"go\"}";

    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"web_search_call\",\"id\":\"ws_1\",\"status\":\"completed\",\"action\":{\"type\":\"search\",\"query\":\"q\"}}",
                "{\"type\":\"tool_search_call\",\"call_id\":\"c\",\"arguments\":{}}",
                "{\"type\":\"tool_search_output\",\"call_id\":\"c\",\"tools\":[]}",
                "{\"type\":\"image_generation_call\",\"id\":\"ig_1\",\"result\":\"AA==\"}",
                "{\"type\":\"mcp_list_tools\",\"id\":\"mcpl_1\",\"server_label\":\"s\",\"tools\":[]}"
            })
    void itemWithoutChatFormIsDroppedWithWarning(String item) {
        MappedRequest mapped = map(withInput("[" + USER + "," + item + "]"));

        assertThat(tree(mapped.chatJson()).at("/messages").size()).isEqualTo(1);
        assertThat(mapped.warnings()).singleElement().asString().contains("at /input/1");
    }

    /**
     * Issue 13 §5: no silent drops. An item that stands for conversation content (a reference to a
     * stored item) or for a tool the client itself ran (its call or its output) would vanish from
     * what the model sees; the request is refused with the item's path instead.
     */
    @ParameterizedTest
    @ValueSource(
            strings = {
                "{\"type\":\"item_reference\",\"id\":\"msg_1\"}",
                "{\"type\":\"local_shell_call\",\"call_id\":\"c\",\"action\":{\"type\":\"exec\",\"command\":[\"ls\"]}}",
                "{\"type\":\"local_shell_call_output\",\"call_id\":\"c\",\"output\":\"a.txt\"}",
                "{\"type\":\"computer_call\",\"call_id\":\"c\",\"action\":{\"type\":\"click\",\"x\":1,\"y\":2}}",
                "{\"type\":\"computer_call_output\",\"call_id\":\"c\",\"output\":{\"type\":\"computer_screenshot\"}}"
            })
    void itemWhoseLossWouldChangeTheConversationIsRefusedWithItsPath(String item) {
        InvalidRequestException error = invalid(withInput("[" + USER + "," + item + "]"));

        assertThat(error.path()).isEqualTo("/input/1/type");
        assertThat(error.error().httpStatus()).isEqualTo(400);
    }

    @Test
    void compactionItemNotWrittenByThisRelayIsRefusedWithItsPath() {
        InvalidRequestException error = invalid(withInput(
                "[" + USER + ",{\"type\":\"compaction\",\"id\":\"cmp_1\",\"encrypted_content\":\"COMPACTED_BLOB\"}]"));

        assertThat(error.path()).isEqualTo("/input/1/encrypted_content");
        assertThat(error.getMessage()).contains("not written by this relay");
        assertThat(error.error().httpStatus()).isEqualTo(400);
    }

    /**
     * A context_compaction item (an item type Codex can parse, docs/codex-wire.md §1.3) is refused as
     * a compaction this relay did not write; it used to get a stale "not supported yet" message.
     * Synthetic item, shaped like the compaction items of codex-wire.md §1.3.
     */
    @Test
    void contextCompactionItemIsRefusedWithItsPath() {
        InvalidRequestException error = invalid(
                withInput("[" + USER + ",{\"type\":\"context_compaction\",\"encrypted_content\":\"COMPACTED_BLOB\"}]"));

        assertThat(error.path()).isEqualTo("/input/1/type");
        assertThat(error.getMessage())
                .contains("context_compaction")
                .contains("this relay did not write")
                .doesNotContain("not supported yet");
        assertThat(error.error().httpStatus()).isEqualTo(400);
    }

    @Test
    void compactionTriggerBeforeTheEndIsRefused() {
        InvalidRequestException error = invalid(withInput("[{\"type\":\"compaction_trigger\"}," + USER + "]"));

        assertThat(error.path()).isEqualTo("/input/0/type");
    }

    @Test
    void unknownItemTypeIsRefusedWithItsPath() {
        InvalidRequestException error = invalid(withInput("[" + USER + ",{\"type\":\"hologram\"}]"));
        assertThat(error.path()).isEqualTo("/input/1/type");
        assertThat(error.getMessage()).isEqualTo("unknown input item type hologram at /input/1/type");
    }

    @Test
    void itemWithoutTypeOrRoleIsRefused() {
        assertThat(invalid(withInput("[{\"content\":\"hi\"}]")).path()).isEqualTo("/input/0/type");
    }

    @Test
    void itemThatIsNotAnObjectIsRefused() {
        assertThat(invalid(withInput("[" + USER + ",\"hi\"]")).path()).isEqualTo("/input/1");
    }
}
