/**
 * Upstream errors, wherever and however a provider writes them, mapped to Responses errors with
 * their retry hints (docs/dialects.md §H). Not API.
 */
@NullMarked
package dev.responsesrelay.internal.error;

import org.jspecify.annotations.NullMarked;
