package dev.responsesrelay.codexconfig;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The checks and backups of {@code codex-config --profile}: it writes next to a user's own Codex
 * configuration, so it reads that file (never writes it) and keeps what it replaces.
 */
final class CodexProfiles {
    private static final TomlMapper TOML = new TomlMapper();

    private CodexProfiles() {}

    /**
     * Refuses when {@code config} has a legacy {@code [profiles.NAME]} table or selects {@code
     * profile = "NAME"}: Codex 0.169 then refuses {@code --profile NAME} (see {@link
     * CodexConfigCommand}). Returns a warning when {@code config} is not valid TOML, since Codex will
     * refuse it too; empty when there is nothing to say or no {@code config.toml}.
     */
    static Optional<String> checkNoLegacyProfile(Path config, String profile) {
        if (!Files.isRegularFile(config)) {
            return Optional.empty();
        }
        JsonNode root;
        try {
            root = TOML.readTree(config.toFile());
        } catch (JsonProcessingException e) {
            return Optional.of(config + " is not valid TOML (" + e.getOriginalMessage()
                    + "); Codex will refuse it with or without the profile");
        } catch (IOException e) {
            throw new CodexConfigException("cannot read " + config + ": " + e, e);
        }
        boolean table = root.path("profiles").has(profile);
        boolean selector = profile.equals(root.path("profile").asText(null));
        if (table || selector) {
            throw new CodexConfigException(config + " has a legacy "
                    + (table ? "[profiles." + profile + "] table" : "profile = \"" + profile + "\" line")
                    + ", and Codex 0.169 refuses --profile " + profile + " while it is there; remove it, or choose"
                    + " another --profile name");
        }
        return Optional.empty();
    }

    /** Copies {@code file} to {@code file.bak} (replacing an older backup) if it exists. */
    static Optional<Path> backUp(Path file) throws IOException {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        Path backup = file.resolveSibling(file.getFileName() + ".bak");
        Files.copy(file, backup, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
        return Optional.of(backup);
    }
}
