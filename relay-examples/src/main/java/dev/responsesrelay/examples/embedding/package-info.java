/**
 * How to embed the translator: with the core alone ({@link
 * dev.responsesrelay.examples.embedding.EmbeddingExample}), with relay-okhttp ({@link
 * dev.responsesrelay.examples.embedding.OkHttpEmbeddingExample}) and with a response store ({@link
 * dev.responsesrelay.examples.embedding.StatefulEmbeddingExample}). README.md shows these files;
 * MarkdownJavaSnippetsTest keeps the README's blocks equal to them.
 */
@NullMarked
package dev.responsesrelay.examples.embedding;

import org.jspecify.annotations.NullMarked;
