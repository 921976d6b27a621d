/**
 * Captures relay-fixtures scenarios from the real Codex CLI through the relay server's {@code
 * --record} mode, and checks that a fresh capture still has the structure of the committed one.
 */
@NullMarked
package dev.responsesrelay.capture;

import org.jspecify.annotations.NullMarked;
