/**
 * Many upstreams behind one relay: which upstream a request's {@code model} goes to (exact name,
 * alias, prefix, or an upstream's own model list), the merged {@code GET /v1/models}, and the
 * ordered fallbacks tried when an upstream fails before any byte reached the client (issue 16).
 */
@NullMarked
package dev.responsesrelay.server.routing;

import org.jspecify.annotations.NullMarked;
