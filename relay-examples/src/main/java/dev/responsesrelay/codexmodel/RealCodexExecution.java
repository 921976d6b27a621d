package dev.responsesrelay.codexmodel;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.SseEvent;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Runs one {@code codex exec} and feeds its output through a {@link CodexEventMapper} to the
 * listener.
 *
 * <p>Threads: a runner starts the process, writes the prompt, reads standard output line by line
 * and cleans up; a drainer keeps the tail of standard error (so a full pipe never blocks Codex and a
 * crash can be explained); a watchdog enforces the timeout. The mapper and the listener are only
 * used under {@link #lock}, so events stay in order whichever thread ends the stream. Killing never
 * waits for that lock: a listener stuck on a slow client cannot keep a timed-out process alive.
 */
final class RealCodexExecution implements CodexExecution {
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);
    private static final int STDERR_TAIL_CHARS = 8 * 1024;
    private static final AtomicInteger RUN_NUMBER = new AtomicInteger();

    private final CodexModelUpstream config;
    private final CodexPrompt prompt;
    private final ResponsesEventListener listener;
    private final Object lock = new Object();
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<ProcessHandle> killed = new ArrayList<>();
    private final StringBuilder stderrTail = new StringBuilder();
    private final int runNumber = RUN_NUMBER.incrementAndGet();

    /** Guarded by {@link #lock}; created on the runner thread once the working directory is known. */
    private @Nullable CodexEventMapper mapper;

    private volatile boolean cancelled;
    private volatile boolean timedOut;
    private volatile @Nullable Process process;

    RealCodexExecution(CodexModelUpstream config, CodexPrompt prompt, ResponsesEventListener listener) {
        this.config = config;
        this.prompt = prompt;
        this.listener = listener;
    }

    void start() {
        Thread runner = new Thread(this::run, "codex-model-" + runNumber);
        runner.setDaemon(true);
        runner.start();
        Thread watchdog = new Thread(this::watch, "codex-model-" + runNumber + "-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    @Override
    public void cancel() {
        if (cancelled) {
            return;
        }
        cancelled = true;
        // Killing waits for the processes to exit; the caller (often a server thread noticing a
        // client hang-up) should not.
        Thread killer = new Thread(this::killTree, "codex-model-" + runNumber + "-cancel");
        killer.setDaemon(true);
        killer.start();
    }

    @Override
    public boolean isFinished() {
        return finished.getCount() == 0;
    }

    @Override
    public boolean awaitFinished(Duration timeout) throws InterruptedException {
        return finished.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void run() {
        Path scratch = null;
        try {
            scratch = Files.createTempDirectory("codex-model-");
            Path workingDirectory = config.workingDirectory();
            if (workingDirectory == null) {
                workingDirectory = Files.createDirectory(scratch.resolve("work"));
            }
            String workdir = workingDirectory.toAbsolutePath().toString();
            synchronized (lock) {
                CodexEventMapper created = newMapper(workdir);
                mapper = created;
                deliver(created.start());
            }
            Path schemaFile = null;
            ObjectNode outputSchema = prompt.outputSchema();
            if (outputSchema != null) {
                schemaFile = Files.writeString(scratch.resolve("output-schema.json"), CodexJson.write(outputSchema));
            }
            CodexCommandLine command = CodexCommandLine.build(
                    config.codexBinary().toString(),
                    config.model(),
                    config.sandbox().flag(),
                    config.configOverrides(),
                    prompt,
                    workingDirectory,
                    schemaFile);
            runProcess(command, workingDirectory);
        } catch (IOException | UncheckedIOException e) {
            failWith("could not prepare the codex run: " + e.getMessage());
        } catch (RuntimeException e) {
            failWith("the codex run failed: " + e);
        } finally {
            if (process != null) {
                killTree(); // a well-behaved run has exited already; this only catches leftovers
            }
            if (scratch != null) {
                deleteRecursively(scratch);
            }
            finished.countDown();
        }
    }

    private void runProcess(CodexCommandLine command, Path workingDirectory) {
        if (cancelled) {
            return;
        }
        ProcessBuilder builder = new ProcessBuilder(command.arguments()).directory(workingDirectory.toFile());
        builder.environment().putAll(config.environment());
        Process started;
        try {
            started = builder.start();
        } catch (IOException e) {
            failWith("could not start codex (" + config.codexBinary() + "): " + e.getMessage());
            return;
        }
        process = started;
        if (cancelled) {
            killTree(); // cancel() ran before the process existed
            return;
        }
        Thread drainer = new Thread(() -> drainStderr(started), "codex-model-" + runNumber + "-stderr");
        drainer.setDaemon(true);
        drainer.start();

        try (Writer stdin = new OutputStreamWriter(started.getOutputStream(), StandardCharsets.UTF_8)) {
            stdin.write(command.stdin());
        } catch (IOException e) {
            // Codex exited (or was killed) before reading its prompt; the exit status explains why.
        }

        try (BufferedReader stdout =
                new BufferedReader(new InputStreamReader(started.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = stdout.readLine()) != null) {
                String current = line;
                // Keep reading after the terminal event: the mapper ignores the rest, and draining lets
                // Codex finish writing and exit on its own.
                synchronized (lock) {
                    deliver(requireMapper().onLine(current));
                }
            }
        } catch (IOException e) {
            // The pipe broke because the process was killed; handled as its exit below.
        }

        int exitCode;
        try {
            exitCode = started.waitFor();
            drainer.join(KILL_GRACE.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            failWith("interrupted while waiting for codex");
            return;
        }
        if (timedOut) {
            failWith(timeoutMessage());
            return;
        }
        String tail;
        synchronized (stderrTail) {
            tail = stderrTail.toString();
        }
        synchronized (lock) {
            deliver(requireMapper().onExit(exitCode, tail));
        }
    }

    /** Kills the process tree once the timeout passes, unless the run finished before. */
    private void watch() {
        try {
            if (finished.await(config.timeout().toNanos(), TimeUnit.NANOSECONDS)) {
                return;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        timedOut = true;
        killTree();
        failWith(timeoutMessage());
    }

    private String timeoutMessage() {
        return "codex did not finish within " + describe(config.timeout()) + "; its process was stopped";
    }

    private void drainStderr(Process started) {
        char[] buffer = new char[4096];
        try (Reader stderr = new InputStreamReader(started.getErrorStream(), StandardCharsets.UTF_8)) {
            int read;
            while ((read = stderr.read(buffer)) >= 0) {
                synchronized (stderrTail) {
                    stderrTail.append(buffer, 0, read);
                    if (stderrTail.length() > 2 * STDERR_TAIL_CHARS) {
                        stderrTail.delete(0, stderrTail.length() - STDERR_TAIL_CHARS);
                    }
                }
            }
        } catch (IOException e) {
            // the process is gone; what was read is the tail
        }
    }

    /** The mapper of this execution's one response stream, for a run in {@code workingDirectory}. */
    private CodexEventMapper newMapper(String workingDirectory) {
        return new CodexEventMapper(
                new ResponseEventWriter(
                        config.ids().newId("resp_"),
                        prompt.model(),
                        config.clock().instant().getEpochSecond()),
                config.ids(),
                prompt.toolNames(),
                workingDirectory,
                config.maxCommandOutputChars());
    }

    /** Ends the stream with {@code response.failed}, unless it ended already or was cancelled. */
    private void failWith(String message) {
        synchronized (lock) {
            CodexEventMapper current = mapper;
            if (current == null) {
                // The failure came before the stream could start (no working directory): still tell
                // the client, with a stream of its own.
                current = newMapper("");
                mapper = current;
                deliver(current.start());
            }
            deliver(current.fail(message));
        }
    }

    /** Hands events to the listener; a listener that throws cancels the run. Call under the lock. */
    private void deliver(List<SseEvent> events) {
        for (SseEvent event : events) {
            if (cancelled) {
                return;
            }
            try {
                listener.onEvent(event);
            } catch (RuntimeException e) {
                cancel();
                return;
            }
        }
    }

    private CodexEventMapper requireMapper() {
        CodexEventMapper current = mapper;
        if (current == null) {
            throw new IllegalStateException("mapper not created");
        }
        return current;
    }

    /** Stops the process and its descendants, waiting at most twice {@link #KILL_GRACE}. */
    private void killTree() {
        Process current = process;
        if (current == null) {
            return;
        }
        List<ProcessHandle> handles;
        synchronized (killed) {
            if (current.isAlive()) {
                killed.addAll(ProcessTree.snapshot(current.toHandle()));
            }
            handles = List.copyOf(killed);
        }
        ProcessTree.destroy(handles, KILL_GRACE);
    }

    private static void deleteRecursively(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    // best effort: a file the agent made read-only stays behind in the temp dir
                }
            });
        } catch (IOException | UncheckedIOException e) {
            // best effort, as above
        }
    }

    private static String describe(Duration duration) {
        long millis = duration.toMillis();
        return millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
    }
}
