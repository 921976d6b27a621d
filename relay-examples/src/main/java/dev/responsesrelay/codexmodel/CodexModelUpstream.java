package dev.responsesrelay.codexmodel;

import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.InvalidRequestException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * An upstream that answers Responses API requests by running the Codex CLI: each request starts one
 * {@code codex exec --json}, and what Codex prints becomes Responses stream events. Together with
 * the Chat-to-Responses translator this lets Chat Completions clients (OpenWebUI, LangChain, IDE
 * plugins) use the local Codex agent as a model named {@value #MODEL_ID}.
 *
 * <p>What the agent sees and what the client gets back:
 *
 * <ul>
 *   <li>{@code instructions} and system/developer messages become Codex's developer instructions;
 *       earlier turns become a transcript in the prompt; the last user message is the task.
 *   <li>The agent's messages become assistant text; its reasoning becomes reasoning items; the
 *       commands it ran (with their output and a non-zero exit code), file edits and MCP calls are
 *       shown as Markdown text, so they reach the chat user and stay in the history the next
 *       (stateless) request sends.
 *   <li>Client tools ({@code tools}) are described to the agent with an instruction to answer with
 *       {@code {"tool_calls":[{"name":…,"arguments":{…}}]}}; a final answer of exactly that shape
 *       becomes {@code function_call} items. This is best effort: an agent that answers differently
 *       just produces text.
 *   <li>Usage is Codex's token count for the whole turn, summed over all model calls it made.
 *   <li>A failed turn, a missing binary, a non-zero exit, unreadable output and the timeout all end
 *       the stream with {@code response.failed}, code {@code server_error}, and a message saying
 *       what happened. No run outlives its timeout.
 * </ul>
 *
 * <p>The sandbox defaults to {@code read-only}: the agent may read, but not change, any file the
 * user running the relay can read. The working directory defaults to a fresh temporary directory
 * per request, deleted afterwards. Codex itself is configured as usual ({@code ~/.codex/config.toml}
 * or {@code CODEX_HOME}), plus the {@code -c} overrides given here. Immutable and thread-safe; each
 * {@link #start} runs independently.
 */
public final class CodexModelUpstream {
    /** The model name under which a relay offers this upstream. */
    public static final String MODEL_ID = CodexPrompt.DEFAULT_MODEL;

    /** Codex's {@code --sandbox} modes. */
    public enum Sandbox {
        /** The agent may read files and run commands that only read. The default. */
        READ_ONLY("read-only"),
        /** The agent may also write inside its working directory. */
        WORKSPACE_WRITE("workspace-write"),
        /** No sandbox: only for machines that are sandboxed from outside. */
        DANGER_FULL_ACCESS("danger-full-access");

        private final String flag;

        Sandbox(String flag) {
            this.flag = flag;
        }

        /** The value of Codex's {@code --sandbox} flag. */
        public String flag() {
            return flag;
        }
    }

    private final Path codexBinary;
    private final @Nullable String model;
    private final Sandbox sandbox;
    private final @Nullable Path workingDirectory;
    private final List<String> configOverrides;
    private final Map<String, String> environment;
    private final Duration timeout;
    private final int maxCommandOutputChars;
    private final IdGenerator ids;
    private final Clock clock;

    private CodexModelUpstream(Builder builder) {
        this.codexBinary = builder.codexBinary;
        this.model = builder.model;
        this.sandbox = builder.sandbox;
        this.workingDirectory = builder.workingDirectory;
        this.configOverrides = List.copyOf(builder.configOverrides);
        this.environment = Map.copyOf(builder.environment);
        this.timeout = builder.timeout;
        this.maxCommandOutputChars = builder.maxCommandOutputChars;
        this.ids = builder.ids;
        this.clock = builder.clock;
    }

    /** Returns a builder with the defaults described on its methods. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts {@code codex exec} for a Responses request body ({@code model}, {@code instructions},
     * {@code input}, {@code tools}, …; {@code stream} is ignored: events are always produced) and
     * returns at once. Events go to {@code listener} on a thread of the execution.
     *
     * @throws InvalidRequestException if the request cannot be turned into a prompt; its message and
     *     {@code path()} name the offending JSON value, and nothing was started
     */
    public CodexExecution start(String responsesRequestJson, ResponsesEventListener listener) {
        Objects.requireNonNull(responsesRequestJson, "responsesRequestJson == null");
        Objects.requireNonNull(listener, "listener == null");
        CodexPrompt prompt = CodexPrompt.fromRequest(responsesRequestJson);
        RealCodexExecution execution = new RealCodexExecution(this, prompt, listener);
        execution.start();
        return execution;
    }

    Path codexBinary() {
        return codexBinary;
    }

    @Nullable
    String model() {
        return model;
    }

    Sandbox sandbox() {
        return sandbox;
    }

    @Nullable
    Path workingDirectory() {
        return workingDirectory;
    }

    List<String> configOverrides() {
        return configOverrides;
    }

    Map<String, String> environment() {
        return environment;
    }

    Duration timeout() {
        return timeout;
    }

    int maxCommandOutputChars() {
        return maxCommandOutputChars;
    }

    IdGenerator ids() {
        return ids;
    }

    Clock clock() {
        return clock;
    }

    /** Configures a {@link CodexModelUpstream}. Not thread-safe. */
    public static final class Builder {
        private Path codexBinary = Path.of("codex");
        private @Nullable String model;
        private Sandbox sandbox = Sandbox.READ_ONLY;
        private @Nullable Path workingDirectory;
        private final List<String> configOverrides = new ArrayList<>();
        private final Map<String, String> environment = new LinkedHashMap<>();
        private Duration timeout = Duration.ofMinutes(10);
        private int maxCommandOutputChars = 4000;
        private IdGenerator ids = IdGenerator.random();
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** The {@code codex} executable; default {@code codex}, looked up on the {@code PATH}. */
        public Builder codexBinary(Path codexBinary) {
            this.codexBinary = Objects.requireNonNull(codexBinary, "codexBinary == null");
            return this;
        }

        /** The model Codex uses ({@code --model}); default: whatever Codex's configuration says. */
        public Builder model(String model) {
            Objects.requireNonNull(model, "model == null");
            if (model.isBlank()) {
                throw new IllegalArgumentException("model is blank");
            }
            this.model = model;
            return this;
        }

        /** The sandbox for the agent's commands; default {@link Sandbox#READ_ONLY}. */
        public Builder sandbox(Sandbox sandbox) {
            this.sandbox = Objects.requireNonNull(sandbox, "sandbox == null");
            return this;
        }

        /**
         * The directory every run works in ({@code --cd}); it must exist and is never deleted.
         * Default: a fresh temporary directory per request, deleted afterwards.
         */
        public Builder workingDirectory(Path workingDirectory) {
            this.workingDirectory = Objects.requireNonNull(workingDirectory, "workingDirectory == null");
            return this;
        }

        /**
         * Adds a Codex configuration override, passed as {@code -c key=value}; {@code value} is TOML
         * (a string needs quotes: {@code configOverride("model_provider", "\"relay\"")}).
         */
        public Builder configOverride(String key, String tomlValue) {
            Objects.requireNonNull(key, "key == null");
            Objects.requireNonNull(tomlValue, "tomlValue == null");
            if (key.isEmpty() || key.contains("=") || key.chars().anyMatch(Character::isWhitespace)) {
                throw new IllegalArgumentException("not a config key: " + key);
            }
            configOverrides.add(key + "=" + tomlValue);
            return this;
        }

        /** Sets an environment variable for the Codex process (for example {@code CODEX_HOME}). */
        public Builder environment(String name, String value) {
            Objects.requireNonNull(name, "name == null");
            Objects.requireNonNull(value, "value == null");
            if (name.isEmpty() || name.contains("=")) {
                throw new IllegalArgumentException("not an environment variable name: " + name);
            }
            environment.put(name, value);
            return this;
        }

        /**
         * How long one run may take before its process tree is killed and the response fails;
         * default 10 minutes.
         */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout == null");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /**
         * The most characters of one command's output shown to the chat user; longer output keeps
         * its head and tail. Default 4000.
         */
        public Builder maxCommandOutputChars(int maxCommandOutputChars) {
            if (maxCommandOutputChars < 0) {
                throw new IllegalArgumentException("maxCommandOutputChars < 0: " + maxCommandOutputChars);
            }
            this.maxCommandOutputChars = maxCommandOutputChars;
            return this;
        }

        /** Ids of responses and items; default {@link IdGenerator#random()}. */
        public Builder idGenerator(IdGenerator ids) {
            this.ids = Objects.requireNonNull(ids, "ids == null");
            return this;
        }

        /** The clock for {@code created_at}; default the system clock. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock == null");
            return this;
        }

        /** Returns the configured upstream. */
        public CodexModelUpstream build() {
            return new CodexModelUpstream(this);
        }
    }
}
