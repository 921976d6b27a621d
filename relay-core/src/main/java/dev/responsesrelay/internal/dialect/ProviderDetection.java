package dev.responsesrelay.internal.dialect;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Names the built-in provider profile for an upstream base URL (see {@link
 * dev.responsesrelay.ProviderProfile#detect(String)}). Hosts are matched exactly or as a domain
 * suffix; local servers are recognised by their default ports. Pure string work: no DNS.
 */
public final class ProviderDetection {
    /** A host, or a domain whose subdomains match too ({@code .aliyuncs.com}), and its profile. */
    private record HostRule(String host, String profile) {
        boolean matches(String candidate) {
            if (host.startsWith(".")) {
                return candidate.endsWith(host);
            }
            return candidate.equals(host) || candidate.endsWith("." + host);
        }
    }

    private static final List<HostRule> HOSTS = List.of(
            new HostRule("api.openai.com", "openai"),
            new HostRule(".openai.azure.com", "azure"),
            new HostRule(".cognitiveservices.azure.com", "azure"),
            new HostRule(".services.ai.azure.com", "azure"),
            new HostRule("api.deepseek.com", "deepseek"),
            new HostRule("api.moonshot.ai", "kimi"),
            new HostRule("api.moonshot.cn", "kimi"),
            new HostRule("api.kimi.com", "kimi"),
            new HostRule("api.mistral.ai", "mistral"),
            new HostRule("codestral.mistral.ai", "mistral"),
            new HostRule("api.groq.com", "groq"),
            new HostRule("api.x.ai", "xai"),
            new HostRule("openrouter.ai", "openrouter"),
            new HostRule("api.together.xyz", "together"),
            new HostRule("api.together.ai", "together"),
            new HostRule("api.fireworks.ai", "fireworks"),
            new HostRule("generativelanguage.googleapis.com", "gemini"),
            new HostRule("api.anthropic.com", "anthropic"));

    private ProviderDetection() {}

    /** The built-in profile name for {@code baseUrl}, or empty when nothing matches. */
    public static Optional<String> detect(String baseUrl) {
        URI uri = parse(baseUrl.strip());
        if (uri == null || uri.getHost() == null) {
            return Optional.empty();
        }
        String host = uri.getHost().toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        // DashScope has regional hosts: dashscope.aliyuncs.com, dashscope-intl.aliyuncs.com, …
        if (host.endsWith(".aliyuncs.com") && host.startsWith("dashscope")) {
            return Optional.of("qwen");
        }
        for (HostRule rule : HOSTS) {
            if (rule.matches(host)) {
                return Optional.of(rule.profile());
            }
        }
        return byPort(host, uri.getPort());
    }

    /**
     * Local servers by their default ports. 11434 (Ollama), 1234 (LM Studio) and 30000 (SGLang) are
     * distinctive enough for any host, a LAN box included; 8000 (vLLM) and 8080 (llama.cpp) are
     * every other server's default too, so they count on loopback hosts only, and stay guesses.
     */
    private static Optional<String> byPort(String host, int port) {
        String profile = switch (port) {
            case 11434 -> "ollama";
            case 1234 -> "lmstudio";
            case 30000 -> "sglang";
            case 8000 -> isLoopback(host) ? "vllm" : null;
            case 8080 -> isLoopback(host) ? "llamacpp" : null;
            default -> null;
        };
        return Optional.ofNullable(profile);
    }

    private static boolean isLoopback(String host) {
        return host.equals("localhost")
                || host.endsWith(".localhost")
                || host.startsWith("127.")
                || host.equals("[::1]")
                || host.equals("::1")
                || host.equals("0.0.0.0");
    }

    private static @Nullable URI parse(String baseUrl) {
        String withScheme = baseUrl.contains("://") ? baseUrl : "http://" + baseUrl;
        try {
            return new URI(withScheme);
        } catch (URISyntaxException e) {
            return null;
        }
    }
}
