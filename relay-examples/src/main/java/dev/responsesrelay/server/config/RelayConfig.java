package dev.responsesrelay.server.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A loaded, checked {@code relay.toml}.
 *
 * @param source the file it came from
 * @param upstreams every {@code [upstreams.X]}, in file order
 * @param models every {@code [models.X]}, in file order
 * @param defaultModel the model used when a request names one nothing routes ({@code
 *     default_model}); without it such a request gets a 404 {@code model_not_found}
 * @param warnings things the user should know that do not stop the relay (a literal key in the file)
 */
public record RelayConfig(
        Path source,
        List<UpstreamConfig> upstreams,
        List<ModelConfig> models,
        Optional<String> defaultModel,
        List<String> warnings) {

    /** The upstream named {@code name}. */
    public Optional<UpstreamConfig> upstream(String name) {
        return upstreams.stream().filter(u -> u.name().equals(name)).findFirst();
    }

    /** Reads and checks {@code file}, taking {@code api_key_env} values from {@code env}. */
    public static RelayConfig load(Path file, java.util.Map<String, String> env) throws ConfigException {
        return new RelayConfigLoader(file, env).load();
    }
}
