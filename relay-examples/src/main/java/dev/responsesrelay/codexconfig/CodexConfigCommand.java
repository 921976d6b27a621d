package dev.responsesrelay.codexconfig;

import dev.responsesrelay.codexconfig.CodexConfigFiles.CatalogModel;
import dev.responsesrelay.codexconfig.UpstreamModels.UpstreamModel;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The {@code codex-config} subcommand of the relay server: asks the upstream for its models and
 * writes a Codex CLI 0.169 {@code config.toml} plus the model catalog it names, so that Codex talks
 * to the relay with the right context windows, the freeform {@code apply_patch} tool and no OpenAI-only
 * features.
 *
 * <pre>
 * java -jar relay-server.jar codex-config --upstream https://api.deepseek.com/v1 --api-key $KEY --out ~/.codex
 * </pre>
 *
 * <p>Without {@code --out} both files are printed. See {@code --help} for every option.
 */
public final class CodexConfigCommand {
    private CodexConfigCommand() {}

    /**
     * Runs the command.
     *
     * @param args the arguments after {@code codex-config}
     * @param out receives the files (or, with {@code --out}, a summary of what was written)
     * @param err receives warnings and errors
     * @return the process exit code: 0 on success, 1 if the upstream or the file system failed, 2 for
     *     a bad command line
     */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return run(args, out, err, client);
    }

    static int run(String[] args, PrintStream out, PrintStream err, HttpClient client) {
        try {
            CodexConfigOptions options = CodexConfigOptions.parse(args);
            if (options == null) {
                out.print(CodexConfigOptions.USAGE);
                return 0;
            }
            generate(options, out, err, client);
            return 0;
        } catch (CodexConfigException e) {
            err.println("codex-config: " + e.getMessage());
            if (e.exitCode() == CodexConfigException.USAGE) {
                err.print(CodexConfigOptions.USAGE);
            }
            return e.exitCode();
        }
    }

    private static void generate(CodexConfigOptions options, PrintStream out, PrintStream err, HttpClient client) {
        List<UpstreamModel> listed = listModels(options, err, client);
        List<UpstreamModel> models = new ArrayList<>(listed);
        String defaultModel = options.model();
        if (defaultModel == null) {
            if (models.isEmpty()) {
                throw new CodexConfigException("the upstream lists no models; pass --model with the model id to use");
            }
            defaultModel = models.get(0).id();
        } else if (listed.stream().noneMatch(model -> model.id().equals(options.model()))) {
            if (!listed.isEmpty()) {
                err.println("codex-config: warning: the upstream does not list --model " + defaultModel
                        + "; adding it to the catalog anyway");
            }
            models.add(0, new UpstreamModel(defaultModel, OptionalInt.empty(), "", Optional.empty()));
        }

        List<CatalogModel> catalog = new ArrayList<>();
        boolean local = options.contextWindow() == null && ServedContext.isLocal(options.upstream());
        for (UpstreamModel listedModel : models) {
            UpstreamModel model = local ? served(listedModel, options, err, client) : listedModel;
            CatalogModel entry = CodexConfigFiles.resolve(model, options.contextWindow());
            if (entry.contextWindow() < CodexConfigOptions.MIN_CONTEXT_WINDOW) {
                err.println("codex-config: warning: " + entry.slug() + " has a context of only " + entry.contextWindow()
                        + " tokens; Codex's own prompt and tools take about 6000");
            }
            if (entry.contextSource().endsWith("n_ctx_train")) {
                err.println("codex-config: note: " + entry.slug() + " reports only its training context ("
                        + entry.contextWindow() + "); pass --context-window if the server runs with a smaller -c");
            }
            catalog.add(entry);
        }

        String catalogJson = CodexConfigFiles.catalogJson(catalog, CodexConfigFiles.defaultBaseInstructions());
        String configToml = CodexConfigFiles.configToml(options, defaultModel, catalog.size());
        String profile = options.profile();
        if (profile != null) {
            writeProfile(options, profile, configToml, catalogJson, out, err);
            summary(defaultModel, catalog, out);
            out.println("Then, with the relay running on port " + options.port() + ":");
            out.println("  codex --profile " + profile);
            return;
        }
        Path outDir = options.outDir();
        if (outDir == null) {
            out.println("# ===== config.toml =====");
            out.print(configToml);
            out.println("# ===== " + CodexConfigFiles.CATALOG_FILE_NAME + " (save next to config.toml) =====");
            out.print(catalogJson);
            return;
        }
        Path configFile = outDir.resolve("config.toml");
        Path catalogFile = outDir.resolve(CodexConfigFiles.CATALOG_FILE_NAME);
        write(outDir, configFile, configToml, catalogFile, catalogJson);
        out.println("Wrote " + configFile.toAbsolutePath() + " and " + catalogFile.getFileName() + " next to it.");
        summary(defaultModel, catalog, out);
        out.println("Then, with the relay running on port " + options.port() + ":");
        out.println("  CODEX_HOME=" + outDir.toAbsolutePath() + " codex");
    }

    private static void summary(String defaultModel, List<CatalogModel> catalog, PrintStream out) {
        out.println("Default model: " + defaultModel + "; " + catalog.size() + " model(s) in the catalog:");
        for (CatalogModel model : catalog) {
            out.println("  " + model.slug() + "  context " + model.contextWindow() + " (" + model.contextSource()
                    + "), auto-compact at " + model.autoCompactTokenLimit());
        }
        out.println("Codex sends $" + CodexConfigFiles.API_KEY_ENV + " to the relay and will not start without it:");
        out.println("  export " + CodexConfigFiles.API_KEY_ENV + "=<any value if the relay holds the upstream key;"
                + " else the key it requires or passes upstream>");
    }

    /**
     * {@code model} with the context its local server really serves (issue 17), and a warning when
     * that is below what Codex needs, naming the server's setting.
     */
    private static UpstreamModel served(
            UpstreamModel model, CodexConfigOptions options, PrintStream err, HttpClient client) {
        if (model.contextField().equals("/max_model_len")) {
            // vLLM says what it serves in its list already.
            warnIfSmall(
                    model.id(),
                    model.contextWindow().orElse(0),
                    "vLLM's max_model_len",
                    "vllm serve --max-model-len " + ServedContext.CODEX_NEEDS,
                    err);
            return model;
        }
        ServedContext.Probe probe = ServedContext.probe(client, options.upstream(), model.id(), options.apiKey());
        if (probe.served().isPresent()) {
            ServedContext.Served served = probe.served().get();
            warnIfSmall(model.id(), served.tokens(), served.source(), served.setting(), err);
            return new UpstreamModel(
                    model.id(), OptionalInt.of(served.tokens()), served.source(), model.acceptsImages());
        }
        String hint = probe.notLoadedHint();
        if (hint != null) {
            err.println("codex-config: warning: " + hint);
        }
        return model;
    }

    private static void warnIfSmall(String model, int tokens, String source, String setting, PrintStream err) {
        if (tokens > 0 && tokens < ServedContext.CODEX_NEEDS) {
            err.println("codex-config: warning: " + model + " is served with a context of " + tokens + " tokens ("
                    + source + "); Codex needs about " + ServedContext.CODEX_NEEDS + " for its instructions, tools"
                    + " and history, and the server cuts longer prompts. To serve more: " + setting);
        }
    }

    /**
     * Writes the Codex profile {@code NAME.config.toml} and the catalog into Codex's home, leaving
     * {@code config.toml} as it is.
     *
     * <p>Why a file and not a {@code [profiles.NAME]} table merged into {@code config.toml}: Codex
     * 0.169's {@code --profile NAME} layers {@code $CODEX_HOME/NAME.config.toml} over the user's
     * config and refuses to start while {@code config.toml} still has a legacy {@code
     * [profiles.NAME]} table or {@code profile = "NAME"} ("cannot be used while config.toml contains
     * legacy ... config; move those settings into NAME.config.toml", observed with 0.169.0, and
     * https://developers.openai.com/codex/config-advanced#profiles). So nothing of the user's file
     * is rewritten, and its comments stay; it is only read, with a TOML parser, to catch that
     * conflict before Codex does.
     */
    private static void writeProfile(
            CodexConfigOptions options,
            String profile,
            String configToml,
            String catalogJson,
            PrintStream out,
            PrintStream err) {
        Path home = options.outDir();
        if (home == null) {
            String codexHome = System.getenv("CODEX_HOME");
            home = codexHome != null && !codexHome.isBlank()
                    ? Path.of(codexHome)
                    : Path.of(System.getProperty("user.home"), ".codex");
        }
        Path config = home.resolve("config.toml");
        CodexProfiles.checkNoLegacyProfile(config, profile)
                .ifPresent(warning -> err.println("codex-config: warning: " + warning));
        Path profileFile = home.resolve(profile + ".config.toml");
        Path catalogFile = home.resolve(CodexConfigFiles.CATALOG_FILE_NAME);
        String profileToml = "# Codex profile \"" + profile + "\": run codex --profile " + profile
                + "; config.toml is left as it is.\n" + configToml;
        try {
            Files.createDirectories(home);
            for (Path replaced : List.of(profileFile, catalogFile)) {
                CodexProfiles.backUp(replaced)
                        .ifPresent(backup -> out.println(
                                "Kept the previous " + replaced.getFileName() + " as " + backup.getFileName()));
            }
            Files.writeString(catalogFile, catalogJson, StandardCharsets.UTF_8);
            Files.writeString(profileFile, profileToml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CodexConfigException("cannot write to " + home.toAbsolutePath() + ": " + e, e);
        }
        out.println("Wrote the profile " + profileFile.toAbsolutePath() + " and " + catalogFile.getFileName()
                + " next to it; " + config.getFileName() + " is unchanged.");
    }

    /**
     * The upstream's models. If listing fails but {@code --model} names one, the catalog holds just
     * that model: some gateways serve chat completions but no model list.
     */
    private static List<UpstreamModel> listModels(CodexConfigOptions options, PrintStream err, HttpClient client) {
        try {
            return UpstreamModels.fetch(client, options.upstream(), options.apiKey());
        } catch (CodexConfigException e) {
            if (options.model() == null) {
                throw new CodexConfigException(e.getMessage() + "; pass --model to write a config anyway", e);
            }
            err.println("codex-config: warning: " + e.getMessage());
            return List.of();
        }
    }

    /**
     * Writes both files, refusing to replace a config.toml that {@code codex-config} did not write:
     * {@code --out ~/.codex} must not silently destroy a hand-written Codex configuration.
     */
    private static void write(Path outDir, Path configFile, String configToml, Path catalogFile, String catalogJson) {
        try {
            Files.createDirectories(outDir);
            if (Files.exists(configFile)) {
                String existing = Files.readString(configFile, StandardCharsets.UTF_8);
                if (!existing.startsWith(CodexConfigFiles.HEADER_LINE)) {
                    throw new CodexConfigException(configFile.toAbsolutePath()
                            + " already exists and was not written by codex-config; move it away or choose another"
                            + " --out");
                }
            }
            Files.writeString(catalogFile, catalogJson, StandardCharsets.UTF_8);
            Files.writeString(configFile, configToml, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CodexConfigException("cannot write to " + outDir.toAbsolutePath() + ": " + e, e);
        }
    }
}
