package dev.responsesrelay.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.RelayError;
import dev.responsesrelay.ResponsesTranslator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Invalid JSON is answered with where it broke, in plain words (issue 17: the 400 said
 * "StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION disabled"). Bodies are synthetic, each broken in
 * one of the ways a hand-written request or a truncated upload is.
 */
class JsonSyntaxTest {
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "{\"model\":\"m\",                     | line 1, column 14: the text ends inside an object (a closing } is missing)",
                "[{\"model\":\"m\"}                    | the text ends before the array opened at line 1, column 1 is closed",
                "{\"model\":\"m\" \"input\":\"hi\"}      | line 1, column 14: expected a comma or '}' after a field, found '\"'",
                "{\"model\":\"m\",]                    | line 1, column 14: expected a field name in double quotes, found ']'",
                "{\"model\":'m'}                       | line 1, column 10: expected a value (a string, number, object, array, true, false or null), found '''",
                "{\"model\":\"m\",\"input\":hello}      | 'hello' is not a JSON value",
                "{\"model\":\"m\",\"input\":\"unclosed  | the text ends inside a string"
            })
    void theAnswerSaysWhereAndWhyInPlainWords(String body, String expected) {
        InvalidRequestException e = catchThrowableOfType(
                InvalidRequestException.class,
                () -> ResponsesTranslator.create().translate(body));

        assertThat(e.getMessage())
                .startsWith("request body is not valid JSON: ")
                .contains(expected);
        assertThat(e.getMessage()).doesNotContain("StreamReadFeature", "Source", "REDACTED", "(code ");
        RelayError sameText = RelayError.invalidJson("request body", body).orElseThrow();
        assertThat(sameText.message()).contains(expected).doesNotContain("StreamReadFeature", "(code ");
    }
}
