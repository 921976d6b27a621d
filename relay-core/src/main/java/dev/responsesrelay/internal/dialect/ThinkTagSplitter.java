package dev.responsesrelay.internal.dialect;

/**
 * Splits reasoning written inline as {@code <think>…</think>} out of {@code delta.content}
 * (docs/dialects.md rule 14: LM Studio without reasoning separation, vLLM without a reasoning parser,
 * Groq {@code reasoning_format: raw}, llama.cpp {@code reasoning_format: none}, …). Stateful across
 * chunks: a tag split over chunks ({@code "<thi"}, {@code "nk>"}) is recognised, because the
 * longest suffix that could still start a tag is held back until the next fragment decides it.
 *
 * <p>Recognised: an opening {@code <think>}, {@code <thinking>} or {@code <thought>} before any
 * visible text (leading whitespace allowed), closed by its matching tag; and a lone leading
 * {@code </think>} (templates such as QwQ and Qwen3-Thinking open the tag in the prompt). Tags after
 * visible text are ordinary text, so answers that talk about tags stream unchanged and without
 * delay. Whitespace right after an opening or closing tag is dropped; an unterminated block is
 * reasoning.
 *
 * <p>In whole-message mode (a non-streaming completion, where the entire content is at hand) a
 * {@code </think>} with no opening tag also marks everything before it as reasoning, which a stream
 * cannot know until it is too late.
 *
 * <p>Not thread-safe; one per stream.
 */
public final class ThinkTagSplitter {
    /** Receives the split content, in order. */
    public interface Sink {
        void reasoning(String text);

        void text(String text);
    }

    private static final String[] OPENERS = {"<think>", "<thinking>", "<thought>"};
    private static final String[] CLOSERS = {"</think>", "</thinking>", "</thought>"};

    private enum State {
        /** Nothing visible yet: an opening (or lone closing) tag may still come. */
        LEADING,
        /** Right after an opening tag: whitespace is dropped. */
        THINK_LEADING,
        /** Inside a block, until {@link #closer}. */
        THINKING,
        /** Right after a closing tag: whitespace is dropped. */
        AFTER_THINK,
        /** Plain text from here on; no tags are recognised. */
        TEXT
    }

    private final boolean wholeMessage;
    private final StringBuilder held = new StringBuilder();
    private State state = State.LEADING;
    private String closer = "";
    private boolean sawTag;

    /** A splitter for a stream. */
    public ThinkTagSplitter() {
        this(false);
    }

    /** A splitter; {@code wholeMessage} when the content arrives complete in one piece. */
    public ThinkTagSplitter(boolean wholeMessage) {
        this.wholeMessage = wholeMessage;
    }

    /** Feeds one content fragment. */
    public void feed(String fragment, Sink sink) {
        if (state == State.TEXT && held.length() == 0) {
            // Past the leading tags every fragment is text as it came; copying it into the buffer
            // and back out for each token was most of this class's cost.
            if (!fragment.isEmpty()) {
                sink.text(fragment);
            }
            return;
        }
        held.append(fragment);
        drain(sink, false);
    }

    /** The content ended: whatever was held back goes out. */
    public void finish(Sink sink) {
        drain(sink, true);
    }

    /** Whether any tag was recognised, so the repair can be reported. */
    public boolean sawTag() {
        return sawTag;
    }

    /** Whether a fragment of content is held back waiting for the next one. */
    boolean holdsContent() {
        return held.length() > 0;
    }

    private void drain(Sink sink, boolean end) {
        while (true) {
            switch (state) {
                case LEADING -> {
                    int start = firstNonWhitespace(held);
                    if (start < 0) {
                        if (end) {
                            held.setLength(0);
                        }
                        return;
                    }
                    int opener = tagAt(held, start, OPENERS);
                    if (opener >= 0) {
                        held.delete(0, start + OPENERS[opener].length());
                        closer = CLOSERS[opener];
                        sawTag = true;
                        state = State.THINK_LEADING;
                        continue;
                    }
                    int loneCloser = tagAt(held, start, CLOSERS);
                    if (loneCloser >= 0) {
                        held.delete(0, start + CLOSERS[loneCloser].length());
                        sawTag = true;
                        state = State.AFTER_THINK;
                        continue;
                    }
                    if (!end && couldStartTag(held, start)) {
                        return; // "<thi" so far: wait for the next fragment
                    }
                    if (wholeMessage && splitAtLoneCloser(start, sink)) {
                        continue;
                    }
                    state = State.TEXT;
                }
                case THINK_LEADING -> {
                    int start = firstNonWhitespace(held);
                    if (start < 0) {
                        held.setLength(0);
                        return;
                    }
                    held.delete(0, start);
                    state = State.THINKING;
                }
                case THINKING -> {
                    int close = held.indexOf(closer);
                    if (close >= 0) {
                        if (close > 0) {
                            sink.reasoning(held.substring(0, close));
                        }
                        held.delete(0, close + closer.length());
                        state = State.AFTER_THINK;
                        continue;
                    }
                    int keep = end ? 0 : longestSuffixThatStarts(held, closer);
                    int emit = held.length() - keep;
                    if (emit > 0) {
                        sink.reasoning(held.substring(0, emit));
                        held.delete(0, emit);
                    }
                    if (end) {
                        held.setLength(0);
                    }
                    return;
                }
                case AFTER_THINK -> {
                    int start = firstNonWhitespace(held);
                    if (start < 0) {
                        held.setLength(0);
                        return;
                    }
                    held.delete(0, start);
                    state = State.TEXT;
                }
                case TEXT -> {
                    if (held.length() > 0) {
                        sink.text(held.toString());
                        held.setLength(0);
                    }
                    return;
                }
            }
        }
    }

    private boolean splitAtLoneCloser(int start, Sink sink) {
        for (String tag : CLOSERS) {
            int close = held.indexOf(tag, start);
            if (close >= 0) {
                if (close > start) {
                    sink.reasoning(held.substring(start, close));
                }
                held.delete(0, close + tag.length());
                sawTag = true;
                state = State.AFTER_THINK;
                return true;
            }
        }
        return false;
    }

    private static int firstNonWhitespace(CharSequence s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return -1;
    }

    /** The index in {@code tags} of the tag at {@code start}, or -1. */
    private static int tagAt(StringBuilder s, int start, String[] tags) {
        for (int t = 0; t < tags.length; t++) {
            String tag = tags[t];
            if (s.length() - start >= tag.length() && s.indexOf(tag, start) == start) {
                return t;
            }
        }
        return -1;
    }

    /** Whether the text from {@code start} is a proper prefix of some tag. */
    private static boolean couldStartTag(StringBuilder s, int start) {
        int rest = s.length() - start;
        for (String[] tags : new String[][] {OPENERS, CLOSERS}) {
            for (String tag : tags) {
                if (rest < tag.length() && regionMatches(s, start, tag, rest)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The length of the longest suffix of {@code s} that is a proper prefix of {@code tag}. */
    private static int longestSuffixThatStarts(StringBuilder s, String tag) {
        for (int length = Math.min(tag.length() - 1, s.length()); length > 0; length--) {
            if (regionMatches(s, s.length() - length, tag, length)) {
                return length;
            }
        }
        return 0;
    }

    private static boolean regionMatches(StringBuilder s, int from, String tag, int length) {
        for (int i = 0; i < length; i++) {
            if (s.charAt(from + i) != tag.charAt(i)) {
                return false;
            }
        }
        return true;
    }
}
