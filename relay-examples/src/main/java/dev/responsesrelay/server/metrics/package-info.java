/**
 * {@code GET /metrics}: the relay's counters and histograms in the Prometheus text format, with the
 * Prometheus Java client's registry. docs/OPERATIONS.md lists every metric.
 */
@NullMarked
package dev.responsesrelay.server.metrics;

import org.jspecify.annotations.NullMarked;
