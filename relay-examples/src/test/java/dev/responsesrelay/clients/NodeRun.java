package dev.responsesrelay.clients;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.util.ArrayList;
import java.util.List;

/**
 * The outcome of one client script run: its exit code, the JSON line it printed ({@code lib.mjs}:
 * {@code ok}, then {@code result} or {@code error}, and the {@code requests} the client sent), and
 * its stderr.
 */
record NodeRun(String label, int exitCode, JsonNode output, String stdout, String stderr) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    static NodeRun of(String label, int exitCode, String stdout, String stderr) {
        JsonNode output = MissingNode.getInstance();
        List<String> lines = stdout.lines().filter(line -> line.startsWith("{")).toList();
        if (!lines.isEmpty()) {
            try {
                output = MAPPER.readTree(lines.get(lines.size() - 1));
            } catch (JsonProcessingException e) {
                throw new AssertionError(label + " printed a last line that is not JSON:\n" + stdout, e);
            }
        }
        return new NodeRun(label, exitCode, output, stdout, stderr);
    }

    /** The scenario's result; fails with the whole transcript if the scenario threw. */
    JsonNode result() {
        if (exitCode != 0 || !output.path("ok").asBoolean()) {
            throw new AssertionError(label + " failed:\n" + transcript());
        }
        return output.path("result");
    }

    /** The error the scenario threw, as {@code lib.mjs} described it; fails if it succeeded. */
    JsonNode error() {
        if (output.path("ok").asBoolean(true)) {
            throw new AssertionError(label + " was expected to fail:\n" + transcript());
        }
        return output.path("error");
    }

    /** The bodies of the {@code POST …/responses} requests the client sent, in order. */
    List<JsonNode> responsesRequestBodies() {
        List<JsonNode> bodies = new ArrayList<>();
        for (JsonNode request : output.path("requests")) {
            if (request.path("method").asText().equals("POST")
                    && request.path("url").asText().endsWith("/responses")) {
                bodies.add(request.path("body"));
            }
        }
        return bodies;
    }

    String transcript() {
        return "exit code " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
    }
}
