package dev.responsesrelay.doctor;

/**
 * The result of one check.
 *
 * @param name what was checked, in a few words
 * @param verdict how it ended
 * @param detail what was seen, in one line, never a key or a message's content beyond an excerpt
 */
public record Check(String name, Verdict verdict, String detail) {
    /** The check as printed: {@code PASS  streamed answer  12 chunks, finish_reason stop}. */
    public String line() {
        return String.format("%-5s %-22s %s", verdict, name, detail);
    }
}
