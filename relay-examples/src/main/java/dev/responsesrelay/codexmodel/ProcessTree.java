package dev.responsesrelay.codexmodel;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Stops a process and everything it started.
 *
 * <p>Why a tree: the npm {@code codex} launcher is a Node script that, on Node versions without
 * {@code process.execve}, runs the native binary as a child (bin/codex.js in
 * {@code @openai/codex@0.169.0}), and the agent's commands are children of that. Killing only the
 * process Java started leaves the agent running and holding the output pipe open. Descendants must
 * be listed while their ancestors live: once a parent dies its children are re-parented and can no
 * longer be found from the root.
 */
final class ProcessTree {
    private ProcessTree() {}

    /** The process and its live descendants, root first. */
    static List<ProcessHandle> snapshot(ProcessHandle root) {
        List<ProcessHandle> handles = new ArrayList<>();
        handles.add(root);
        root.descendants().forEach(handles::add);
        return handles;
    }

    /**
     * Asks every process in {@code handles} to stop (SIGTERM on POSIX), waits up to {@code grace}
     * for them, then kills the survivors (SIGKILL) and waits up to {@code grace} again. Processes
     * started in the meantime by the ones being stopped are found and stopped too.
     */
    static void destroy(Collection<ProcessHandle> handles, Duration grace) {
        Set<ProcessHandle> all = new LinkedHashSet<>();
        for (ProcessHandle handle : handles) {
            all.add(handle);
            handle.descendants().forEach(all::add);
        }
        all.forEach(ProcessHandle::destroy);
        if (awaitExit(all, grace)) {
            return;
        }
        Set<ProcessHandle> survivors = new LinkedHashSet<>();
        for (ProcessHandle handle : all) {
            if (handle.isAlive()) {
                survivors.add(handle);
                handle.descendants().forEach(survivors::add);
            }
        }
        survivors.forEach(ProcessHandle::destroyForcibly);
        awaitExit(survivors, grace);
    }

    private static boolean awaitExit(Collection<ProcessHandle> handles, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (ProcessHandle handle : handles) {
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return handles.stream().noneMatch(ProcessHandle::isAlive);
            }
            try {
                handle.onExit().get(remaining, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                return false;
            } catch (ExecutionException e) {
                // onExit() completes normally; if it ever fails, ask the process directly
                if (handle.isAlive()) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }
}
