package dev.responsesrelay.codexconfig;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.responsesrelay.fixtures.ScriptedChatUpstream;
import dev.responsesrelay.fixtures.ScriptedReply;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CodexConfigCommandTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final ScriptedChatUpstream upstream = ScriptedChatUpstream.start();
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        upstream.close();
    }

    @Test
    void writesConfigAndCatalogListingEveryUpstreamModel() throws Exception {
        upstream.models("deepseek-chat", "deepseek-reasoner");

        int exit = run("--upstream", upstream.baseUrl(), "--out", dir.toString());

        assertThat(exit).as(errText()).isZero();
        String toml = Files.readString(dir.resolve("config.toml"));
        assertThat(toml)
                .contains("model = \"deepseek-chat\"\n")
                .contains("model_provider = \"relay\"\n")
                .contains("model_catalog_json = \"relay-catalog.json\"\n")
                .contains("web_search = \"disabled\"\n")
                .contains("[model_providers.relay]\n")
                .contains("name = \"Responses Relay\"\n")
                .contains("base_url = \"http://127.0.0.1:4444/v1\"\n")
                .contains("wire_api = \"responses\"\n")
                .contains("env_key = \"RELAY_API_KEY\"\n")
                .contains("supports_websockets = false\n");
        JsonNode catalog = catalog();
        assertThat(slugs(catalog)).containsExactly("deepseek-chat", "deepseek-reasoner");
        JsonNode first = catalog.get("models").get(0);
        assertThat(first.get("apply_patch_tool_type").asText()).isEqualTo("freeform");
        assertThat(first.get("context_window").asInt()).isEqualTo(128_000);
        assertThat(first.get("max_context_window").asInt()).isEqualTo(128_000);
        assertThat(first.get("auto_compact_token_limit").asInt()).isEqualTo(108_800);
        assertThat(first.get("supports_search_tool").asBoolean()).isFalse();
        assertThat(first.has("default_reasoning_level")).isFalse();
        assertThat(first.get("base_instructions").asText())
                .contains("apply_patch")
                .contains("exec_command");
        assertThat(first.get("description").asText()).contains("default for the deepseek family");
        assertThat(outText()).contains("export RELAY_API_KEY=");
    }

    @Test
    void catalogCarriesEveryFieldCodexRequires() throws Exception {
        upstream.models("some-model");

        run("--upstream", upstream.baseUrl(), "--out", dir.toString());

        // docs/codex-wire.md §4.2: strict parsing needs these, plus base_instructions.
        JsonNode entry = catalog().get("models").get(0);
        for (String field : List.of(
                "slug",
                "display_name",
                "supported_reasoning_levels",
                "shell_type",
                "visibility",
                "supported_in_api",
                "priority",
                "support_verbosity",
                "truncation_policy",
                "experimental_supported_tools",
                "base_instructions")) {
            assertThat(entry.has(field)).as(field).isTrue();
        }
    }

    @Test
    void contextWindowComesFromWhereEachUpstreamReportsIt() throws Exception {
        // Synthetic list; each entry is shaped after one provider's /models entry.
        upstream.modelsBody("{\"object\":\"list\",\"data\":["
                + "{\"id\":\"vllm-model\",\"max_model_len\":32768},"
                + "{\"id\":\"openrouter-model\",\"context_length\":200000,\"top_provider\":{\"context_length\":100000}},"
                + "{\"id\":\"openrouter-nested\",\"top_provider\":{\"context_length\":64000}},"
                + "{\"id\":\"groq-model\",\"context_window\":131072},"
                + "{\"id\":\"mistral-model\",\"max_context_length\":\"40960\"},"
                + "{\"id\":\"lmstudio-model\",\"max_context_length\":131072,\"loaded_context_length\":20000},"
                + "{\"id\":\"llamacpp-model\",\"meta\":{\"n_ctx_train\":65536}}]}");

        int exit = run("--upstream", upstream.baseUrl(), "--out", dir.toString());

        assertThat(exit).as(errText()).isZero();
        assertThat(contextWindows(catalog()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "vllm-model", 32768,
                        "openrouter-model", 200000,
                        "openrouter-nested", 64000,
                        "groq-model", 131072,
                        "mistral-model", 40960,
                        "lmstudio-model", 20000,
                        "llamacpp-model", 65536));
        assertThat(errText()).contains("llamacpp-model reports only its training context");
    }

    @Test
    void familyTableAndNameSizeApplyWhenTheUpstreamIsSilent() throws Exception {
        upstream.models("kimi-k2-0905-preview", "gemini-2.5-pro", "moonshot-v1-32k", "qwen3-coder", "my-own-model");

        run("--upstream", upstream.baseUrl(), "--out", dir.toString());

        assertThat(contextWindows(catalog()))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "kimi-k2-0905-preview", 256_000,
                        "gemini-2.5-pro", 1_000_000,
                        "moonshot-v1-32k", 32_768,
                        "qwen3-coder", 128_000,
                        "my-own-model", 128_000));
    }

    @Test
    void contextWindowFlagOverridesWhatTheUpstreamSays() throws Exception {
        upstream.modelsBody("{\"data\":[{\"id\":\"a\",\"max_model_len\":32768},{\"id\":\"gemini-2.5-flash\"}]}");

        run("--upstream", upstream.baseUrl(), "--context-window", "64000", "--out", dir.toString());

        assertThat(contextWindows(catalog()))
                .containsExactlyInAnyOrderEntriesOf(Map.of("a", 64000, "gemini-2.5-flash", 64000));
        assertThat(catalog()
                        .get("models")
                        .get(0)
                        .get("auto_compact_token_limit")
                        .asInt())
                .isEqualTo(54_400);
    }

    @Test
    void imageInputFollowsWhatTheUpstreamSaysElseTheFamily() throws Exception {
        // Synthetic, shaped after OpenRouter's architecture.input_modalities.
        upstream.modelsBody("{\"data\":["
                + "{\"id\":\"text-only\",\"architecture\":{\"input_modalities\":[\"text\"]}},"
                + "{\"id\":\"seeing\",\"architecture\":{\"input_modalities\":[\"text\",\"image\"]}},"
                + "{\"id\":\"deepseek-chat\"},{\"id\":\"gpt-4o\"}]}");

        run("--upstream", upstream.baseUrl(), "--out", dir.toString());

        Map<String, String> modalities = new TreeMap<>();
        for (JsonNode model : catalog().get("models")) {
            modalities.put(
                    model.get("slug").asText(), model.get("input_modalities").toString());
        }
        assertThat(modalities)
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "text-only", "[\"text\"]",
                        "seeing", "[\"text\",\"image\"]",
                        "deepseek-chat", "[\"text\"]",
                        "gpt-4o", "[\"text\",\"image\"]"));
    }

    @Test
    void chosenModelBecomesTheDefault() throws Exception {
        upstream.models("deepseek-chat", "deepseek-reasoner");

        run("--upstream", upstream.baseUrl(), "--model", "deepseek-reasoner", "--out", dir.toString());

        assertThat(Files.readString(dir.resolve("config.toml"))).contains("model = \"deepseek-reasoner\"\n");
        assertThat(slugs(catalog())).containsExactly("deepseek-chat", "deepseek-reasoner");
    }

    @Test
    void chosenModelMissingFromTheListIsAddedWithAWarning() throws Exception {
        upstream.models("deepseek-chat");

        int exit = run("--upstream", upstream.baseUrl(), "--model", "deepseek-v9", "--out", dir.toString());

        assertThat(exit).isZero();
        assertThat(slugs(catalog())).containsExactly("deepseek-v9", "deepseek-chat");
        assertThat(errText()).contains("does not list --model deepseek-v9");
    }

    @Test
    void apiKeyIsSentToTheModelsEndpointButWrittenNowhere() throws Exception {
        upstream.models("m");

        run("--upstream", upstream.baseUrl(), "--api-key", "sk-upstream-secret", "--out", dir.toString());

        // The upstream is on loopback, so ServedContext also asks it the served context (Ollama, LM
        // Studio, llama.cpp endpoints): every request carries the key, none is a chat request.
        assertThat(upstream.requests())
                .first()
                .satisfies(request -> assertThat(request.path()).isEqualTo("/v1/models"));
        assertThat(upstream.requests()).allSatisfy(request -> {
            assertThat(request.method()).isEqualTo("GET");
            assertThat(request.header("authorization")).hasValue("Bearer sk-upstream-secret");
        });
        assertThat(Files.readString(dir.resolve("config.toml"))).doesNotContain("sk-upstream-secret");
        assertThat(Files.readString(dir.resolve("relay-catalog.json"))).doesNotContain("sk-upstream-secret");
        assertThat(outText()).doesNotContain("sk-upstream-secret");
    }

    @Test
    void portAndUpstreamNameShapeTheProviderTable() throws Exception {
        upstream.models("m");

        run("--upstream", upstream.baseUrl(), "--port", "5555", "--provider", "DeepSeek", "--out", dir.toString());

        assertThat(Files.readString(dir.resolve("config.toml")))
                .contains("model_provider = \"deepseek-relay\"\n")
                .contains("[model_providers.deepseek-relay]\n")
                .contains("name = \"DeepSeek via Responses Relay\"\n")
                .contains("base_url = \"http://127.0.0.1:5555/v1\"\n");
    }

    @Test
    void upstreamNamedLikeOpenAiOrAzureStillYieldsACustomProvider() throws Exception {
        upstream.models("m");
        // Codex takes the names OpenAI and azure for OpenAI's own service, and reserves ollama's id.
        for (String name : List.of("openai", "OpenAI", "azure", "ollama")) {
            assertThat(run("--upstream", upstream.baseUrl(), "--provider", name, "--out", dir.toString()))
                    .as(errText())
                    .isZero();

            String toml = Files.readString(dir.resolve("config.toml"));
            String id = name.toLowerCase(Locale.ROOT) + "-relay";
            assertThat(toml)
                    .contains("model_provider = \"" + id + "\"\n")
                    .contains("[model_providers." + id + "]\n")
                    .contains("name = \"" + name + " via Responses Relay\"\n");
        }
    }

    @Test
    void providerWithoutLettersOrDigitsIsAUsageError() {
        assertThat(run("--upstream", upstream.baseUrl(), "--provider", "!!")).isEqualTo(2);
        assertThat(errText()).contains("--provider needs at least one letter or digit");
        assertThat(upstream.requests()).isEmpty();
    }

    @Test
    void missingUpstreamIsAUsageError() {
        int exit = run("--model", "m");

        assertThat(exit).isEqualTo(2);
        assertThat(errText()).contains("--upstream URL is required").contains("Usage: codex-config");
    }

    @Test
    void unknownOptionIsAUsageError() {
        assertThat(run("--upstream", upstream.baseUrl(), "--bogus", "1")).isEqualTo(2);
        assertThat(errText()).contains("unknown option --bogus");
    }

    @Test
    void helpPrintsUsageAndSucceeds() {
        assertThat(run("--help")).isZero();
        assertThat(outText()).startsWith("Usage: codex-config");
    }

    @Test
    void unreachableUpstreamFailsUnlessAModelIsNamed() throws Exception {
        String deadUrl = "http://127.0.0.1:" + freePort() + "/v1";

        assertThat(run("--upstream", deadUrl, "--out", dir.toString())).isEqualTo(1);
        assertThat(errText()).contains("cannot GET " + deadUrl + "/models").contains("pass --model");
        assertThat(dir.resolve("config.toml")).doesNotExist();

        err.reset();
        assertThat(run("--upstream", deadUrl, "--model", "local-model", "--out", dir.toString()))
                .isZero();
        assertThat(slugs(catalog())).containsExactly("local-model");
        assertThat(errText()).contains("warning: cannot GET");
    }

    @Test
    void upstreamErrorStatusIsReportedWithItsBody() {
        // Synthetic 401, shaped after the OpenAI error body (docs/dialects.md §0).
        upstream.modelsReply(ScriptedReply.json(
                401, "{\"error\":{\"message\":\"Incorrect API key provided\",\"code\":\"invalid_api_key\"}}"));

        int exit = run("--upstream", upstream.baseUrl(), "--out", dir.toString());

        assertThat(exit).isEqualTo(1);
        assertThat(errText())
                .contains("GET " + upstream.baseUrl() + "/models answered 401")
                .contains("Incorrect API key provided");
    }

    @Test
    void bodyThatIsNotAModelListIsRejected() {
        upstream.modelsBody("{\"object\":\"list\"}");

        assertThat(run("--upstream", upstream.baseUrl(), "--out", dir.toString()))
                .isEqualTo(1);
        assertThat(errText()).contains("is not a model list: no array at /data");
    }

    @Test
    void modelEntryWithoutIdIsRejectedNamingItsPath() {
        upstream.modelsBody("{\"data\":[{\"id\":\"ok\"},{\"object\":\"model\"}]}");

        assertThat(run("--upstream", upstream.baseUrl(), "--out", dir.toString()))
                .isEqualTo(1);
        assertThat(errText()).contains("model entry at /data/1 has no string id");
    }

    @Test
    void emptyModelListWithoutModelFails() {
        upstream.models();

        assertThat(run("--upstream", upstream.baseUrl(), "--out", dir.toString()))
                .isEqualTo(1);
        assertThat(errText()).contains("the upstream lists no models; pass --model");
    }

    @Test
    void withoutOutBothFilesArePrinted() throws Exception {
        upstream.models("m1");

        assertThat(run("--upstream", upstream.baseUrl())).isZero();

        String printed = outText();
        assertThat(printed).startsWith("# ===== config.toml =====\n" + CodexConfigFiles.HEADER_LINE);
        String json = printed.substring(printed.indexOf("{\n"));
        assertThat(slugs(MAPPER.readTree(json))).containsExactly("m1");
    }

    @Test
    void aConfigTomlWrittenByHandIsNeverOverwritten() throws Exception {
        upstream.models("m");
        Files.writeString(dir.resolve("config.toml"), "model = \"mine\"\n");

        assertThat(run("--upstream", upstream.baseUrl(), "--out", dir.toString()))
                .isEqualTo(1);
        assertThat(Files.readString(dir.resolve("config.toml"))).isEqualTo("model = \"mine\"\n");
        assertThat(errText()).contains("already exists and was not written by codex-config");

        // Its own earlier output is replaced without complaint.
        Files.delete(dir.resolve("config.toml"));
        assertThat(run("--upstream", upstream.baseUrl(), "--out", dir.toString()))
                .isZero();
        assertThat(run("--upstream", upstream.baseUrl(), "--model", "n", "--out", dir.toString()))
                .isZero();
        assertThat(Files.readString(dir.resolve("config.toml"))).contains("model = \"n\"\n");
    }

    @Test
    void tomlStringsEscapeQuotesBackslashesAndControlCharacters() {
        assertThat(CodexConfigFiles.tomlString("a \"b\" c:\\d\n\u0001")).isEqualTo("\"a \\\"b\\\" c:\\\\d\\n\\u0001\"");
    }

    private int run(String... args) {
        return CodexConfigCommand.run(
                args,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    private String outText() {
        return out.toString(StandardCharsets.UTF_8);
    }

    private String errText() {
        return err.toString(StandardCharsets.UTF_8);
    }

    private JsonNode catalog() throws Exception {
        return MAPPER.readTree(Files.readString(dir.resolve("relay-catalog.json")));
    }

    private static List<String> slugs(JsonNode catalog) {
        List<String> slugs = new ArrayList<>();
        catalog.get("models").forEach(model -> slugs.add(model.get("slug").asText()));
        return slugs;
    }

    private static Map<String, Integer> contextWindows(JsonNode catalog) {
        Map<String, Integer> windows = new TreeMap<>();
        catalog.get("models")
                .forEach(model -> windows.put(
                        model.get("slug").asText(), model.get("context_window").asInt()));
        return windows;
    }

    private static int freePort() throws Exception {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
