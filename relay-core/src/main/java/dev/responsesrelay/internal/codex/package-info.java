/**
 * What Codex needs that the Responses API documentation does not say: remote compaction done by the
 * relay, and the reasoning envelope carried in {@code encrypted_content} (docs/codex-wire.md). Not
 * API.
 */
@NullMarked
package dev.responsesrelay.internal.codex;

import org.jspecify.annotations.NullMarked;
