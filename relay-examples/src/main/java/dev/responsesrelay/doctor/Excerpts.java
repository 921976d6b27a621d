package dev.responsesrelay.doctor;

/** Short, single-line excerpts of upstream bodies for the report. */
final class Excerpts {
    private static final int LIMIT = 160;

    private Excerpts() {}

    static String of(String text) {
        String oneLine = text.replaceAll("\\s+", " ").strip();
        return oneLine.length() <= LIMIT ? oneLine : oneLine.substring(0, LIMIT) + "…";
    }
}
