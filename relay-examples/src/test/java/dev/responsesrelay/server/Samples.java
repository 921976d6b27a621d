package dev.responsesrelay.server;

/** The real Codex captures and provider samples these tests use, from relay-fixtures' copies. */
final class Samples {
    private Samples() {}

    /** A copied sample, for example {@code dialects/openai-stream-basic-gomodel.sse}. */
    static String data(String relativePath) {
        return dev.responsesrelay.fixtures.Samples.text(relativePath);
    }

    /** Real request body: Codex 0.169 asking a custom-slug model to say hello (01_plain_custom_model). */
    static String codexPlainRequest() {
        return data("codex-0.169.0/01_plain_custom_model_001_POST_v1_responses.body.json");
    }

    /** The same real request with {@code "stream": true} turned off, as a non-Codex client may send it. */
    static String codexPlainRequestNotStreamed() {
        String body = codexPlainRequest();
        if (!body.contains("\"stream\": true")) {
            throw new IllegalStateException("the sample no longer has \"stream\": true");
        }
        return body.replace("\"stream\": true", "\"stream\": false");
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
