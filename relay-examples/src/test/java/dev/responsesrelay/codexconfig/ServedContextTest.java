package dev.responsesrelay.codexconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import mockwebserver3.Dispatcher;
import mockwebserver3.MockResponse;
import mockwebserver3.MockWebServer;
import mockwebserver3.RecordedRequest;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * codex-config writes the context a local server really serves and warns below what Codex needs,
 * naming the setting to change. Each server is scripted (synthetic answers) in the response shape
 * its documentation gives:
 *
 * <ul>
 *   <li>Ollama: {@code GET /api/ps} and {@code POST /api/show} as in
 *       https://github.com/ollama/ollama/blob/main/docs/api.md ("List Running Models", "Show Model
 *       Information"); its {@code /v1/models} as in https://github.com/ollama/ollama/blob/main/docs/openai.md;
 *   <li>LM Studio: {@code GET /api/v0/models/{model}} as in
 *       https://lmstudio.ai/docs/developer/rest/endpoints;
 *   <li>llama.cpp: {@code GET /props} as in https://github.com/ggml-org/llama.cpp/blob/master/tools/server/README.md;
 *   <li>vLLM: {@code /v1/models} with {@code max_model_len}, as its OpenAI-compatible server
 *       documents (docs.vllm.ai, "OpenAI-Compatible Server").
 * </ul>
 */
class ServedContextTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final MockWebServer server = new MockWebServer();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        server.close();
    }

    private void serve(Map<String, String> bodies) throws Exception {
        server.setDispatcher(new Dispatcher() {
            @Override
            public MockResponse dispatch(RecordedRequest request) {
                String body =
                        bodies.get(request.getMethod() + " " + request.getUrl().encodedPath());
                return body == null
                        ? new MockResponse.Builder()
                                .code(404)
                                .body("404 page not found")
                                .build()
                        : new MockResponse.Builder()
                                .setHeader("Content-Type", "application/json")
                                .body(body)
                                .build();
            }
        });
        server.start();
    }

    private JsonNode runAndReadCatalog() throws Exception {
        int exit = CodexConfigCommand.run(
                new String[] {"--upstream", server.url("/v1").toString(), "--out", dir.toString()},
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(exit).as(err.toString(StandardCharsets.UTF_8)).isZero();
        return JSON.readTree(Files.readString(dir.resolve("relay-catalog.json")))
                .path("models")
                .get(0);
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private static String openAiList(String id) {
        return "{\"object\":\"list\",\"data\":[{\"id\":\"" + id + "\",\"object\":\"model\",\"created\":1700000000,"
                + "\"owned_by\":\"library\"}]}";
    }

    @Test
    void ollamaLoadedWithItsDefaultContextIsWrittenAndWarnedAbout() throws Exception {
        serve(Map.of(
                "GET /v1/models",
                openAiList("qwen3:8b"),
                "GET /api/ps",
                "{\"models\":[{\"name\":\"qwen3:8b\",\"model\":\"qwen3:8b\",\"size\":6000000000,\"digest\":\"abc\","
                        + "\"details\":{\"format\":\"gguf\",\"family\":\"qwen3\"},\"expires_at\":"
                        + "\"2026-01-01T00:00:00Z\",\"size_vram\":6000000000,\"context_length\":4096}]}"));

        JsonNode model = runAndReadCatalog();

        assertThat(model.path("context_window").asInt()).isEqualTo(4096);
        assertThat(errText()).contains("qwen3:8b", "4096", "OLLAMA_CONTEXT_LENGTH=64000", "num_ctx");
    }

    @Test
    void ollamaModelNotLoadedButWithNumCtxInItsModelfileUsesThat() throws Exception {
        serve(Map.of(
                "GET /v1/models",
                openAiList("coder:32k"),
                "GET /api/ps",
                "{\"models\":[]}",
                "POST /api/show",
                "{\"modelfile\":\"FROM x\",\"parameters\":\"num_ctx                        65536\\nstop \\\"<|im_end|>\\\"\","
                        + "\"template\":\"{{ .Prompt }}\",\"details\":{\"format\":\"gguf\"},"
                        + "\"model_info\":{\"qwen2.context_length\":131072}}"));

        JsonNode model = runAndReadCatalog();

        assertThat(model.path("context_window").asInt()).isEqualTo(65536);
        assertThat(errText()).doesNotContain("OLLAMA_CONTEXT_LENGTH");
    }

    @Test
    void ollamaModelNotLoadedWithoutNumCtxSaysHowToLoadIt() throws Exception {
        serve(Map.of(
                "GET /v1/models",
                openAiList("llama3.2"),
                "GET /api/ps",
                "{\"models\":[]}",
                "POST /api/show",
                "{\"parameters\":\"stop \\\"<|eot_id|>\\\"\",\"model_info\":{\"llama.context_length\":131072}}"));

        runAndReadCatalog();

        assertThat(errText()).contains("has not loaded llama3.2", "OLLAMA_CONTEXT_LENGTH=64000", "ollama run llama3.2");
    }

    @Test
    void lmStudioLoadedContextIsWritten() throws Exception {
        serve(Map.of(
                "GET /v1/models",
                openAiList("qwen2.5-7b-instruct"),
                "GET /api/v0/models/qwen2.5-7b-instruct",
                "{\"id\":\"qwen2.5-7b-instruct\",\"object\":\"model\",\"type\":\"llm\",\"publisher\":\"lmstudio-community\","
                        + "\"arch\":\"qwen2\",\"compatibility_type\":\"gguf\",\"quantization\":\"Q4_K_M\","
                        + "\"state\":\"loaded\",\"max_context_length\":32768,\"loaded_context_length\":8192}"));

        JsonNode model = runAndReadCatalog();

        assertThat(model.path("context_window").asInt()).isEqualTo(8192);
        assertThat(errText()).contains("--context-length 64000");
    }

    @Test
    void llamaCppServerContextIsWrittenRatherThanTheTrainingContext() throws Exception {
        serve(Map.of(
                "GET /v1/models",
                "{\"object\":\"list\",\"data\":[{\"id\":\"model.gguf\",\"object\":\"model\",\"created\":1,"
                        + "\"owned_by\":\"llamacpp\",\"meta\":{\"n_ctx_train\":131072,\"n_params\":8000000000}}]}",
                "GET /props",
                "{\"default_generation_settings\":{\"n_ctx\":16384,\"temperature\":0.8},\"total_slots\":1,"
                        + "\"model_path\":\"model.gguf\"}"));

        JsonNode model = runAndReadCatalog();

        assertThat(model.path("context_window").asInt()).isEqualTo(16384);
        assertThat(errText()).contains("--ctx-size 64000");
    }

    @Test
    void vllmMaxModelLenBelowWhatCodexNeedsIsWarnedAbout() throws Exception {
        serve(
                Map.of(
                        "GET /v1/models",
                        "{\"object\":\"list\",\"data\":[{\"id\":\"Qwen/Qwen3-8B\",\"object\":\"model\",\"created\":1,"
                                + "\"owned_by\":\"vllm\",\"root\":\"Qwen/Qwen3-8B\",\"parent\":null,\"max_model_len\":32768}]}"));

        JsonNode model = runAndReadCatalog();

        assertThat(model.path("context_window").asInt()).isEqualTo(32768);
        assertThat(errText()).contains("--max-model-len 64000");
    }
}
