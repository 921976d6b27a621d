/** The {@code codex-config} subcommand: a Codex configuration for a relay. */
@NullMarked
package dev.responsesrelay.examples.codex;

import org.jspecify.annotations.NullMarked;
