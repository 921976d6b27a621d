/** Tests of the relay server's reverse direction: {@code /v1/chat/completions}. */
@NullMarked
package dev.responsesrelay.server.chat;

import org.jspecify.annotations.NullMarked;
