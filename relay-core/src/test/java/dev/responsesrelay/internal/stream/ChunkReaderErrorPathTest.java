package dev.responsesrelay.internal.stream;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The message of every {@link ChunkFormatException} {@link ChunkReader} throws, with the JSON
 * pointer of the offending value. The reader takes the pointer from the parser's own context when it
 * throws, instead of building path strings on every chunk; these messages are the ones the eager
 * path strings gave, recorded from the reader before that change, one case for each place it throws.
 * The chunks are synthetic, Chat Completions chunks (docs/dialects.md §1 OpenAI) with one value of an
 * impossible type each.
 */
final class ChunkReaderErrorPathTest {
    static Stream<Arguments> malformed() {
        return Stream.of(
                Arguments.of("chunk", "\"x\"", "expected a JSON object but was a string"),
                Arguments.of("chunk", "{} {}", "unexpected data after the JSON object"),
                Arguments.of("chunk", "{\"choices\":{}}", "expected an array but was an object at /choices"),
                Arguments.of("chunk", "{\"choices\":\"x\"}", "expected an array but was a string at /choices"),
                Arguments.of("chunk", "{\"choices\":[1]}", "expected an object but was a number at /choices/0"),
                Arguments.of("chunk", "{\"choices\":[{},[]]}", "expected an object but was an array at /choices/1"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"index\":\"x\"}]}",
                        "expected an integer but was \"x\" at /choices/0/index"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"index\":{}}]}",
                        "expected an integer but was an object at /choices/0/index"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"index\":1.5}]}",
                        "expected an integer but was a number at /choices/0/index"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":[]}]}",
                        "expected an object but was an array at /choices/0/delta"),
                Arguments.of(
                        "completion",
                        "{\"choices\":[{\"message\":5}]}",
                        "expected an object but was a number at /choices/0/message"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"finish_reason\":{}}]}",
                        "expected a string but was an object at /choices/0/finish_reason"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"native_finish_reason\":[]}]}",
                        "expected a string but was an array at /choices/0/native_finish_reason"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"usage\":5}]}",
                        "expected an object but was a number at /choices/0/usage"),
                Arguments.of("chunk", "{\"usage\":\"x\"}", "expected an object but was a string at /usage"),
                Arguments.of(
                        "chunk", "{\"x_groq\":{\"usage\":[]}}", "expected an object but was an array at /x_groq/usage"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"content\":5}}]}",
                        "expected a string or an array but was a number at /choices/0/delta/content"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"content\":{}}}]}",
                        "expected a string or an array but was an object at /choices/0/delta/content"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"content\":[\"a\",null,5]}}]}",
                        "expected an object but was a number at /choices/0/delta/content/2"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"content\":[[]]}}]}",
                        "expected an object but was an array at /choices/0/delta/content/0"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"content\":[{\"type\":{}}]}}]}",
                        "expected a string but was an object at /choices/0/delta/content/0/type"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"content\":[{\"type\":\"text\",\"text\":[]}]}}]}",
                        "expected a string but was an array at /choices/0/delta/content/0/text"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"reasoning_content\":{}}}]}",
                        "expected a string but was an object at /choices/0/delta/reasoning_content"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"refusal\":[]}}]}",
                        "expected a string but was an array at /choices/0/delta/refusal"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"reasoning_details\":{}}}]}",
                        "expected an array but was an object at /choices/0/delta/reasoning_details"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"tool_calls\":{}}}]}",
                        "expected an array but was an object at /choices/0/delta/tool_calls"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"tool_calls\":[7]}}]}",
                        "expected an object but was a number at /choices/0/delta/tool_calls/0"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":0},\"x\"]}}]}",
                        "expected an object but was a string at /choices/0/delta/tool_calls/1"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"index\":\"one\"}]}}]}",
                        "expected an integer but was \"one\" at /choices/0/delta/tool_calls/0/index"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":{}}]}}]}",
                        "expected a string but was an object at /choices/0/delta/tool_calls/0/id"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":[]}]}}]}",
                        "expected an object but was an array at /choices/0/delta/tool_calls/0/function"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"function\":{\"name\":{}}}]}}]}",
                        "expected a string but was an object at /choices/0/delta/tool_calls/0/function/name"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"function_call\":[]}}]}",
                        "expected an object but was an array at /choices/0/delta/function_call"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"delta\":{\"function_call\":{\"name\":[]}}}]}",
                        "expected a string but was an array at /choices/0/delta/function_call/name"),
                Arguments.of(
                        "chunk",
                        "{\"choices\":[{\"index\":0,\"delta\":{}},{\"index\":1,\"delta\":{\"content\":5}}]}",
                        "expected a string or an array but was a number at /choices/1/delta/content"),
                Arguments.of(
                        "completion",
                        "{\"choices\":[{\"message\":{\"tool_calls\":[{\"function\":{\"name\":[]}}]}}]}",
                        "expected a string but was an array at /choices/0/message/tool_calls/0/function/name"),
                Arguments.of(
                        "completion",
                        "{\"choices\":[{\"message\":{\"content\":[{\"type\":\"text\"},{\"text\":{}}]}}]}",
                        "expected a string but was an object at /choices/0/message/content/1/text"));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("malformed")
    void errorNamesTheOffendingValue(String reader, String json, String message) {
        assertThatThrownBy(() -> read(reader, json))
                .isInstanceOf(ChunkFormatException.class)
                .hasMessage(message);
    }

    private static ChatChunk read(String reader, String json) {
        return reader.equals("completion") ? ChunkReader.readCompletion(json) : ChunkReader.readChunk(json);
    }
}
