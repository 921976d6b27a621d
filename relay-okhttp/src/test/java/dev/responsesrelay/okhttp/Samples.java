package dev.responsesrelay.okhttp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the shared reference data (real Codex captures and provider samples). */
final class Samples {
    private Samples() {}

    static Path sharedDir() {
        String dir = System.getProperty("relay.shared.dir");
        if (dir == null) {
            throw new IllegalStateException("system property relay.shared.dir is not set (surefire sets it)");
        }
        return Path.of(dir);
    }

    /** A file under {@code data/}, for example {@code dialects/openai-stream-basic-gomodel.sse}. */
    static String data(String relativePath) {
        try {
            return Files.readString(sharedDir().resolve("data").resolve(relativePath), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Real request body: Codex 0.169 asking a custom-slug model to say hello (01_plain_custom_model). */
    static String codexPlainRequest() {
        return data("codex-0.169.0/01_plain_custom_model_001_POST_v1_responses.body.json");
    }

    /** The same real request with {@code "stream": true} turned off, as a non-Codex client sends it. */
    static String codexPlainRequestNotStreamed() {
        String body = codexPlainRequest();
        String streamed = body.contains("\"stream\": true") ? "\"stream\": true" : "\"stream\":true";
        if (!body.contains(streamed)) {
            throw new IllegalStateException("the sample no longer has stream:true");
        }
        return body.replace(streamed, "\"stream\": false");
    }

    /** Real provider stream: OpenAI gpt-4o-mini saying "Hello, World!" (GoModel recording). */
    static String openAiPlainStream() {
        return data("dialects/openai-stream-basic-gomodel.sse");
    }

    /** Real non-streamed OpenAI answer with a tool call (GoModel recording). */
    static String openAiToolCallCompletion() {
        return data("dialects/openai-nonstream-tool-call-gomodel.json");
    }
}
