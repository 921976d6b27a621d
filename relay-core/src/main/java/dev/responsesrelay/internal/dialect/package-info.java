/**
 * What differs from one Chat Completions provider to the next, and the repairs for it: provider
 * detection, reasoning controls and reasoning details, {@code <think>} tags and tool-call markup in
 * the text, tool-call id rules (docs/dialects.md). Not API.
 */
@NullMarked
package dev.responsesrelay.internal.dialect;

import org.jspecify.annotations.NullMarked;
