package dev.responsesrelay.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Start-up failures print one line saying what failed and which flag to change, and no stack trace
 * (issue 17). Runs {@link Main} in a child JVM, as {@code java -jar relay-server.jar} would.
 */
class StartupFailureTest {
    @Test
    void aPortInUseIsOneLineNamingThePortFlag() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Result result =
                    runMain("--port", String.valueOf(taken.getLocalPort()), "--upstream", "http://127.0.0.1:9/v1");

            assertThat(result.exitCode).isEqualTo(1);
            assertThat(result.stderrLines()).hasSize(1);
            assertThat(result.stderr)
                    .startsWith("relay-server: port " + taken.getLocalPort() + " on 127.0.0.1 is already in use")
                    .contains("--port N", "--port 0")
                    .doesNotContain("Exception", "\tat ");
        }
    }

    @Test
    void aHostThatIsNotThisMachineIsOneLineNamingTheHostFlag() throws Exception {
        // 192.0.2.1 is TEST-NET-1 (RFC 5737): never an address of this machine.
        Result result = runMain("--port", "0", "--host", "192.0.2.1", "--upstream", "http://127.0.0.1:9/v1");

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.stderrLines()).hasSize(1);
        assertThat(result.stderr).contains("--host").doesNotContain("\tat ");
    }

    @Test
    void aRecordDirThatIsAFileIsOneLineNamingTheRecordFlag(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-dir"), "x");
        Result result = runMain(
                "--port",
                "0",
                "--upstream",
                "http://127.0.0.1:9/v1",
                "--record",
                file.resolve("sub").toString());

        assertThat(result.exitCode).isEqualTo(1);
        assertThat(result.stderrLines()).hasSize(1);
        assertThat(result.stderr).contains("--record").doesNotContain("\tat ");
    }

    private record Result(int exitCode, String stderr) {
        List<String> stderrLines() {
            return stderr.lines().filter(line -> !line.isBlank()).toList();
        }
    }

    /**
     * Runs the relay with a response store of its own in a temporary folder: the default one is in
     * the user's home, and the store's connection pool logs too (its lines must not be printed).
     */
    private static Result runMain(String... args) throws IOException, InterruptedException {
        Path storeDir = Files.createTempDirectory("startup-failure-store");
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Main.class.getName());
        command.addAll(List.of(args));
        command.add("--store");
        command.add("sqlite:" + storeDir.resolve("responses.db"));
        try {
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().keySet().removeIf(name -> name.startsWith("RELAY_"));
            builder.redirectOutput(ProcessBuilder.Redirect.DISCARD);
            Process process = builder.start();
            byte[] stderr = process.getErrorStream().readAllBytes();
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError("the relay did not exit: " + new String(stderr, StandardCharsets.UTF_8));
            }
            return new Result(process.exitValue(), new String(stderr, StandardCharsets.UTF_8));
        } finally {
            try (Stream<Path> files = Files.walk(storeDir)) {
                files.sorted(Comparator.reverseOrder())
                        .forEach(path -> path.toFile().delete());
            }
        }
    }
}
