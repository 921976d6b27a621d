/**
 * The relay server's HTTP handlers on Jetty 12 core (no servlets). Implementation of {@link
 * dev.responsesrelay.examples.RelayServer}; not API.
 */
@NullMarked
package dev.responsesrelay.examples.server;

import org.jspecify.annotations.NullMarked;
