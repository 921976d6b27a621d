package dev.responsesrelay.internal.dialect;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The {@code <think>} splitter (docs/dialects.md rule 14), fragment by fragment. */
class ThinkTagSplitterTest {
    /** Records the split as "R:" and "T:" runs, merging adjacent pieces of one kind. */
    static final class Recorder implements ThinkTagSplitter.Sink {
        final List<String> runs = new ArrayList<>();

        @Override
        public void reasoning(String text) {
            add("R:", text);
        }

        @Override
        public void text(String text) {
            add("T:", text);
        }

        private void add(String kind, String text) {
            int last = runs.size() - 1;
            if (last >= 0 && runs.get(last).startsWith(kind)) {
                runs.set(last, runs.get(last) + text);
            } else {
                runs.add(kind + text);
            }
        }
    }

    static List<String> split(boolean wholeMessage, String... fragments) {
        ThinkTagSplitter splitter = new ThinkTagSplitter(wholeMessage);
        Recorder recorder = new Recorder();
        for (String fragment : fragments) {
            splitter.feed(fragment, recorder);
        }
        splitter.finish(recorder);
        return recorder.runs;
    }

    @Test
    void thinkBlockThenAnswer() {
        assertThat(split(false, "<think>\nplan\n</think>\n\nanswer")).containsExactly("R:plan\n", "T:answer");
    }

    @Test
    void tagsSplitAcrossFragmentsAreRecognised() {
        assertThat(split(false, "<", "th", "ink>", "pl", "an</", "thi", "nk", ">ans", "wer"))
                .containsExactly("R:plan", "T:answer");
    }

    @Test
    void thinkingAndThoughtTagsAreRecognised() {
        assertThat(split(false, "<thinking>a</thinking>b")).containsExactly("R:a", "T:b");
        assertThat(split(false, "<thought>a</thought>b")).containsExactly("R:a", "T:b");
    }

    @Test
    void aCloserOfAnotherTagIsPartOfTheReasoning() {
        assertThat(split(false, "<thinking>x</think>y</thinking>z")).containsExactly("R:x</think>y", "T:z");
    }

    @Test
    void leadingWhitespaceBeforeTheTagIsDropped() {
        assertThat(split(false, "\n\n", "  <think>r</think>t")).containsExactly("R:r", "T:t");
    }

    @Test
    void loneLeadingCloseTagIsDropped() {
        assertThat(split(false, "</think>\n\nHello")).containsExactly("T:Hello");
    }

    @Test
    void tagsAfterVisibleTextAreText() {
        assertThat(split(false, "Use <think> tags like <think>this</think>."))
                .containsExactly("T:Use <think> tags like <think>this</think>.");
    }

    @Test
    void textStartingWithAnAngleBracketThatIsNoTagPassesThrough() {
        assertThat(split(false, "<", "b>bold</b>")).containsExactly("T:<b>bold</b>");
    }

    @Test
    void afterVisibleTextEachFragmentIsPassedOnAsItCame() {
        ThinkTagSplitter splitter = new ThinkTagSplitter();
        List<String> texts = new ArrayList<>();
        ThinkTagSplitter.Sink sink = new ThinkTagSplitter.Sink() {
            @Override
            public void reasoning(String text) {
                throw new AssertionError("no reasoning expected: " + text);
            }

            @Override
            public void text(String text) {
                texts.add(text);
            }
        };
        String later = "later <think>is text</think>";

        splitter.feed("Hello", sink);
        splitter.feed("", sink);
        splitter.feed(later, sink);
        splitter.finish(sink);

        // One piece per non-empty fragment, and the fragment itself: no copy through the buffer.
        assertThat(texts).containsExactly("Hello", later);
        assertThat(texts.get(1)).isSameAs(later);
        assertThat(splitter.sawTag()).isFalse();
    }

    @Test
    void leadingWhitespaceBeforeTextIsKept() {
        assertThat(split(false, "\n", "Hi")).containsExactly("T:\nHi");
    }

    @Test
    void unterminatedBlockIsReasoning() {
        assertThat(split(false, "<think>still going</thi")).containsExactly("R:still going</thi");
    }

    @Test
    void partialTagAtTheEndIsText() {
        assertThat(split(false, "<thi")).containsExactly("T:<thi");
    }

    @Test
    void whitespaceOnlyContentProducesNothing() {
        assertThat(split(false, "\n\n", " ")).isEmpty();
    }

    @Test
    void reasoningIsStreamedWithoutWaitingForTheCloseTag() {
        ThinkTagSplitter splitter = new ThinkTagSplitter();
        Recorder recorder = new Recorder();
        splitter.feed("<think>first part, ", recorder);
        assertThat(recorder.runs).containsExactly("R:first part, ");
        splitter.feed("then </", recorder);
        assertThat(recorder.runs).containsExactly("R:first part, then ");
        assertThat(splitter.holdsContent()).isTrue();
    }

    @Test
    void wholeMessageSplitsAtALoneCloseTag() {
        // QwQ-style templates open <think> in the prompt; only a complete message can tell.
        assertThat(split(true, "reasoning here\n</think>\n\nThe answer"))
                .containsExactly("R:reasoning here\n", "T:The answer");
        assertThat(split(false, "reasoning here\n</think>\n\nThe answer"))
                .containsExactly("T:reasoning here\n</think>\n\nThe answer");
    }

    @Test
    void sawTagReportsWhetherARepairHappened() {
        ThinkTagSplitter plain = new ThinkTagSplitter();
        plain.feed("just text", new Recorder());
        assertThat(plain.sawTag()).isFalse();

        ThinkTagSplitter tagged = new ThinkTagSplitter();
        tagged.feed("<think>x</think>", new Recorder());
        assertThat(tagged.sawTag()).isTrue();
    }
}
