/**
 * The {@code codex-config} subcommand: writes a Codex CLI {@code config.toml} and model catalog that
 * point Codex at a running relay. Not a library API.
 */
@NullMarked
package dev.responsesrelay.codexconfig;

import org.jspecify.annotations.NullMarked;
