/** Tests of the reverse direction (Chat Completions clients on Responses upstreams), through the public API. */
@NullMarked
package dev.responsesrelay.reverse;

import org.jspecify.annotations.NullMarked;
