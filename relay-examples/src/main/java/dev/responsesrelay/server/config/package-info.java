/**
 * The relay's configuration file ({@code --config relay.toml}): upstreams, models, aliases,
 * prefixes and fallbacks, read with Jackson's TOML reader and checked with errors that name the
 * file, the line and the key. Many upstreams behind one relay (issue 16).
 */
@NullMarked
package dev.responsesrelay.server.config;

import org.jspecify.annotations.NullMarked;
