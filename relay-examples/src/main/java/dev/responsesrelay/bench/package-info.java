/**
 * JMH benchmarks of the translation core, and the entry point of {@code benchmarks.jar} ({@link
 * dev.responsesrelay.bench.BenchmarksMain}). Not a library API. How to run them and the
 * figures they gave are in {@code docs/BENCHMARKS.md}.
 */
@NullMarked
package dev.responsesrelay.bench;

import org.jspecify.annotations.NullMarked;
