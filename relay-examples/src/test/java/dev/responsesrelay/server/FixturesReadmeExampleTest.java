package dev.responsesrelay.server;

import dev.responsesrelay.ResponsesStream;
import dev.responsesrelay.ResponsesTranslator;
import dev.responsesrelay.SseDecoder;
import dev.responsesrelay.SseEvent;
import dev.responsesrelay.fixtures.Fixtures;
import dev.responsesrelay.fixtures.ResponsesStreamChecker;
import dev.responsesrelay.fixtures.Scenario;
import dev.responsesrelay.fixtures.Scenario.Part;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The README's "use the fixtures in your tests" example, kept compiling and passing. */
class FixturesReadmeExampleTest {
    // snippet begin: README.md shows the lines up to the end marker; MarkdownJavaSnippetsTest keeps them equal
    static Stream<Scenario> streamedScenarios() {
        return Fixtures.scenarios().stream().filter(s -> s.has(Part.UPSTREAM_CHAT_SSE));
    }

    @ParameterizedTest
    @MethodSource("streamedScenarios")
    void everyRecordedUpstreamBecomesAValidResponsesStream(Scenario scenario) {
        ResponsesStream stream = ResponsesTranslator.create()
                .translate(scenario.part(Part.REQUEST_RESPONSES))
                .newStream();
        List<SseEvent> out = new ArrayList<>(stream.start());
        SseDecoder decoder = SseDecoder.create();
        decoder.feed(scenario.part(Part.UPSTREAM_CHAT_SSE)).forEach(e -> out.addAll(stream.onEvent(e)));
        decoder.finish().forEach(e -> out.addAll(stream.onEvent(e)));
        out.addAll(stream.onEnd());

        ResponsesStreamChecker.create()
                .check(out, SseEvent::event, SseEvent::data)
                .assertValid();
    }
    // snippet end
}
