/**
 * {@code relay-server.jar doctor}: probes a Chat Completions upstream with a few small requests and
 * tells the user whether it can serve Codex through the relay, which provider profile fits, and
 * which flags to pass. Uses only the JDK's HTTP client and the core's SSE decoder.
 */
@NullMarked
package dev.responsesrelay.doctor;

import org.jspecify.annotations.NullMarked;
