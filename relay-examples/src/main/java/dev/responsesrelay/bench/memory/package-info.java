/**
 * What one request costs the relay in heap, per byte of its body ({@code java -jar benchmarks.jar
 * memory}), and how many concurrent image requests a given heap serves ({@code memory bursts}):
 * the figures of docs/BENCHMARKS.md "Memory per request (issue 18)" and of the README's
 * "Operations: memory". Not a library API.
 */
@NullMarked
package dev.responsesrelay.bench.memory;

import org.jspecify.annotations.NullMarked;
