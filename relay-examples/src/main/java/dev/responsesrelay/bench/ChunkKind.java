package dev.responsesrelay.bench;

import java.util.List;

/**
 * The four kinds of upstream Chat Completions chunk the per-chunk benchmarks feed, each with the
 * chunks that bring a stream into the state where that kind is the steady case (the item it
 * continues is already open), and the chunk itself. The envelopes are OpenAI's, so every kind pays
 * for the same skipped fields ({@code id}, {@code system_fingerprint}, {@code logprobs}, {@code
 * obfuscation}, …) that a real upstream sends on every chunk.
 */
public enum ChunkKind {
    /**
     * A text delta continuing an open message. Real: the second and third chunks of
     * fixtures/src/main/resources/dev/responsesrelay/fixtures/samples/dialects/openai-stream-basic-gomodel.sse (OpenAI gpt-4o-mini).
     */
    TEXT(
            List.of(
                    "{\"id\":\"chatcmpl-D0q8CZXN1uEzngZGkU7FuV92lnXWq\",\"object\":\"chat.completion.chunk\","
                            + "\"created\":1769092764,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                            + "\"system_fingerprint\":\"fp_29330a9688\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                            + "\"assistant\",\"content\":\"\",\"refusal\":null},\"logprobs\":null,\"finish_reason\":null}],"
                            + "\"obfuscation\":\"iPgRzm\"}",
                    "{\"id\":\"chatcmpl-D0q8CZXN1uEzngZGkU7FuV92lnXWq\",\"object\":\"chat.completion.chunk\","
                            + "\"created\":1769092764,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                            + "\"system_fingerprint\":\"fp_29330a9688\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                            + "\"Hello\"},\"logprobs\":null,\"finish_reason\":null}],\"obfuscation\":\"ZGF\"}"),
            "{\"id\":\"chatcmpl-D0q8CZXN1uEzngZGkU7FuV92lnXWq\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1769092764,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                    + "\"system_fingerprint\":\"fp_29330a9688\",\"choices\":[{\"index\":0,\"delta\":{\"content\":"
                    + "\" World\"},\"logprobs\":null,\"finish_reason\":null}],\"obfuscation\":\"kJ\"}"),

    /**
     * A {@code reasoning_content} delta continuing open reasoning. Real: the first chunks of
     * fixtures/src/main/resources/dev/responsesrelay/fixtures/samples/dialects/kimi-for-coding-stream-excerpt-gomodel.sse (Kimi; DeepSeek, xAI and
     * SGLang use the same field).
     */
    REASONING(
            List.of(
                    "{\"id\":\"chatcmpl-z5R135P3K7dLAfR674T7Aqox\",\"object\":\"chat.completion.chunk\","
                            + "\"created\":1783125604,\"model\":\"kimi-for-coding\",\"choices\":[{\"index\":0,"
                            + "\"delta\":{\"role\":\"assistant\",\"content\":null},\"finish_reason\":null}]}",
                    "{\"id\":\"chatcmpl-z5R135P3K7dLAfR674T7Aqox\",\"object\":\"chat.completion.chunk\","
                            + "\"created\":1783125604,\"model\":\"kimi-for-coding\",\"choices\":[{\"index\":0,"
                            + "\"delta\":{\"reasoning_content\":\"We\"},\"finish_reason\":null}]}"),
            "{\"id\":\"chatcmpl-z5R135P3K7dLAfR674T7Aqox\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1783125604,\"model\":\"kimi-for-coding\",\"choices\":[{\"index\":0,"
                    + "\"delta\":{\"reasoning_content\":\" need\"},\"finish_reason\":null}]}"),

    /**
     * An argument fragment continuing an open tool call. Synthetic, shaped after OpenAI's streamed
     * tool calls (docs/dialects.md §1 OpenAI: the first delta carries index, id, type and name with
     * {@code arguments:""}, later deltas only index and an argument fragment), in the envelope of
     * openai-stream-basic-gomodel.sse. The function is the one {@link BenchRequests#SMALL} declares.
     */
    TOOL_ARGUMENTS(
            List.of("{\"id\":\"chatcmpl-D0q8CZXN1uEzngZGkU7FuV92lnXWq\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1769092764,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                    + "\"system_fingerprint\":\"fp_29330a9688\",\"choices\":[{\"index\":0,\"delta\":{\"role\":"
                    + "\"assistant\",\"content\":null,\"tool_calls\":[{\"index\":0,\"id\":"
                    + "\"call_Xm3k8T0bq2Jd9Wm1Qz5vL7Np\",\"type\":\"function\",\"function\":{\"name\":"
                    + "\"exec_command\",\"arguments\":\"\"}}],\"refusal\":null},\"logprobs\":null,"
                    + "\"finish_reason\":null}],\"obfuscation\":\"Yq\"}"),
            "{\"id\":\"chatcmpl-D0q8CZXN1uEzngZGkU7FuV92lnXWq\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1769092764,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                    + "\"system_fingerprint\":\"fp_29330a9688\",\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":"
                    + "[{\"index\":0,\"function\":{\"arguments\":\"\\\"cmd\\\":\"}}]},\"logprobs\":null,"
                    + "\"finish_reason\":null}],\"obfuscation\":\"lRK2aBv\"}"),

    /**
     * The usage chunk. Synthetic, shaped after OpenAI's {@code stream_options.include_usage} chunk
     * (docs/dialects.md §1 OpenAI: {@code choices:[]} plus {@code usage}, with the token details OpenAI
     * sends). It makes no event; the translator keeps the last non-zero usage for the terminal
     * event (docs/dialects.md rule 39).
     */
    USAGE(
            List.of(),
            "{\"id\":\"chatcmpl-D0q8CZXN1uEzngZGkU7FuV92lnXWq\",\"object\":\"chat.completion.chunk\","
                    + "\"created\":1769092764,\"model\":\"gpt-4o-mini-2024-07-18\",\"service_tier\":\"default\","
                    + "\"system_fingerprint\":\"fp_29330a9688\",\"choices\":[],\"usage\":{\"prompt_tokens\":1117,"
                    + "\"completion_tokens\":46,\"total_tokens\":1163,\"prompt_tokens_details\":{\"cached_tokens\":1024,"
                    + "\"audio_tokens\":0},\"completion_tokens_details\":{\"reasoning_tokens\":0,\"audio_tokens\":0,"
                    + "\"accepted_prediction_tokens\":0,\"rejected_prediction_tokens\":0}},\"obfuscation\":\"d8\"}");

    @SuppressWarnings("ImmutableEnumChecker") // List.copyOf in the constructor: unmodifiable
    private final List<String> priming;

    private final String chunk;

    ChunkKind(List<String> priming, String chunk) {
        this.priming = List.copyOf(priming);
        this.chunk = chunk;
    }

    /** The chunks that open the item this kind continues, fed once per stream before measuring. */
    public List<String> priming() {
        return priming;
    }

    /** The chunk whose translation is measured. */
    public String chunk() {
        return chunk;
    }
}
