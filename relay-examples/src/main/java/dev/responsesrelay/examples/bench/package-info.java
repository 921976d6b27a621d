/**
 * JMH benchmarks of the translation core, and the entry point of {@code benchmarks.jar} ({@link
 * dev.responsesrelay.examples.bench.BenchmarksMain}). Not a library API. How to run them and the
 * figures they gave are in {@code docs/BENCHMARKS.md}.
 */
@NullMarked
package dev.responsesrelay.examples.bench;

import org.jspecify.annotations.NullMarked;
