/** The relay server, the Codex config generator and embedding examples. Not a library API. */
@NullMarked
package dev.responsesrelay.examples;

import org.jspecify.annotations.NullMarked;
