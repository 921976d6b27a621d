/** How to embed the core in a server that is not on OkHttp: the README's example, compiled. */
@NullMarked
package dev.responsesrelay.examples.embedding;

import org.jspecify.annotations.NullMarked;
