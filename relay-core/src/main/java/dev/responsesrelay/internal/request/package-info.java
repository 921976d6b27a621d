/**
 * The request side of the pipeline: a Responses API request mapped to a Chat Completions request
 * ({@link dev.responsesrelay.internal.request.RequestMapper}), its input items assembled into Chat
 * messages, its tools declared under Chat names the answer side can map back. Not API.
 */
@NullMarked
package dev.responsesrelay.internal.request;

import org.jspecify.annotations.NullMarked;
