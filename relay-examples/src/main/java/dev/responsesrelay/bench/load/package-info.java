/**
 * The loopback load benchmark ({@code java -jar benchmarks.jar load}): the relay server in a JVM of
 * its own between an in-process fake Chat Completions upstream and in-process SSE clients. Not a
 * library API.
 */
@NullMarked
package dev.responsesrelay.bench.load;

import org.jspecify.annotations.NullMarked;
