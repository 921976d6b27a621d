package dev.responsesrelay.server.responses;

import dev.responsesrelay.server.http.ExchangeRecorder.Recording;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.logging.Logger;

/**
 * Makes what the translator dropped or changed on purpose visible (issue 13 §5): each distinct
 * warning of one request is logged once at INFO and noted in its {@code --record} exchange
 * ({@code exchange.json}, {@code notes}). Warnings name JSON paths, tool names and fields, never
 * message content or keys (see {@code Translation.warnings()} in relay-core), so they are safe to
 * log.
 */
public final class TranslationWarnings {
    /** A logger of its own, so the warnings can be silenced or raised without the rest. */
    private static final Logger LOG = Logger.getLogger("dev.responsesrelay.server.translation");

    /** What a recorded note starts with, so a reader of exchange.json can tell warnings apart. */
    static final String NOTE_PREFIX = "translation warning: ";

    private TranslationWarnings() {}

    /** Logs and records {@code warnings}, each distinct one once; {@code where} names the request. */
    public static void report(List<String> warnings, String where, Recording recording) {
        for (String warning : new LinkedHashSet<>(warnings)) {
            LOG.info(() -> where + ": " + warning);
            recording.note(NOTE_PREFIX + warning);
        }
    }
}
