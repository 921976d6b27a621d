/**
 * End-to-end tests with the real Responses clients users run in front of the relay: openai-node,
 * the Vercel AI SDK, the OpenAI Agents SDK and LangChain JS from npm ({@link
 * dev.responsesrelay.clients.NodeClients}), and openai-java from Maven Central.
 */
@NullMarked
package dev.responsesrelay.clients;

import org.jspecify.annotations.NullMarked;
