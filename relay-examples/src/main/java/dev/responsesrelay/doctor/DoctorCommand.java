package dev.responsesrelay.doctor;

import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code java -jar relay-server.jar doctor --upstream URL [--api-key KEY] [--model NAME]}: checks
 * what a Chat Completions upstream needs from the relay and whether it can serve Codex. Prints one
 * verdict per check, then the profile and flags to start the relay with. Exit status 0 when every
 * check passed or warned, 1 when one failed (the upstream cannot serve Codex as it is), 2 for a bad
 * command line.
 */
public final class DoctorCommand {
    static final String USAGE = """
            Usage: java -jar relay-server.jar doctor --upstream URL [options]

            Probes a Chat Completions upstream with a few small requests (at most six: the model
            list, two one-word answers, a tool call and its result) and says whether the relay can
            serve Codex from it, which provider profile fits and which flags to pass.

              --upstream URL    the upstream's base URL, e.g. http://127.0.0.1:11434/v1 [RELAY_UPSTREAM]
              --api-key KEY     the upstream's key, sent as a bearer token [RELAY_API_KEY]
              --model NAME      the model to test (default: the first one the upstream lists)
              --provider NAME   the profile you mean to use (default: detected from the URL)
              --timeout SECS    longest wait for one answer (default 120)

            Exit status: 0 if the upstream can serve Codex, 1 if it cannot, 2 for a bad command line.
            """;

    private DoctorCommand() {}

    /** Runs the command with the process environment. */
    public static int run(String[] args, PrintStream out, PrintStream err) {
        return run(args, System.getenv(), out, err);
    }

    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err) {
        String upstream = env.get("RELAY_UPSTREAM");
        String apiKey = env.get("RELAY_API_KEY");
        String model = null;
        String provider = null;
        Duration timeout = Duration.ofMinutes(2);
        try {
            for (int i = 0; i < args.length; i++) {
                String arg = args[i];
                if (arg.equals("--help") || arg.equals("-h")) {
                    out.print(USAGE);
                    return 0;
                }
                if (i + 1 >= args.length) {
                    throw new IllegalArgumentException(arg + " needs a value");
                }
                String value = args[++i];
                switch (arg) {
                    case "--upstream" -> upstream = value;
                    case "--api-key" -> apiKey = value;
                    case "--model" -> model = value;
                    case "--provider" -> provider = value.toLowerCase(Locale.ROOT);
                    case "--timeout" -> timeout = Duration.ofSeconds(Long.parseLong(value.strip()));
                    default -> throw new IllegalArgumentException("unknown option " + arg);
                }
            }
            if (upstream == null || upstream.isBlank()) {
                throw new IllegalArgumentException("--upstream URL (or RELAY_UPSTREAM) is required");
            }
            URI uri = URI.create(upstream.strip());
            if (uri.getScheme() == null || !uri.getScheme().startsWith("http") || uri.getHost() == null) {
                throw new IllegalArgumentException("--upstream must be an http(s) URL but was " + upstream);
            }
            if (provider != null
                    && dev.responsesrelay.ProviderProfile.byName(provider).isEmpty()) {
                throw new IllegalArgumentException("unknown provider " + provider);
            }
        } catch (IllegalArgumentException e) {
            err.println("doctor: " + e.getMessage());
            err.print(USAGE);
            return 2;
        }
        HttpClient client =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        return run(new UpstreamProbe(client, upstream.strip(), blankToNull(apiKey), timeout), model, provider, out);
    }

    static int run(UpstreamProbe probe, @Nullable String model, @Nullable String provider, PrintStream out) {
        out.println("doctor: probing " + probe.baseUrl() + " with at most six small requests (the model list,"
                + " one-word answers, a tool call and its result); they may cost a few tokens.");
        Doctor.Result result = new Doctor(probe, model, provider).run();
        for (Check check : result.checks()) {
            out.println(check.line());
        }
        out.println();
        for (String line : result.advice()) {
            out.println("- " + line);
        }
        if (result.canServeCodex()) {
            out.println("Verdict: the relay can serve Codex from this upstream (" + probe.requests()
                    + " requests made)." + " Start it with:");
            out.println("  java -jar relay-server.jar --upstream " + probe.baseUrl()
                    + (result.flags().isEmpty() ? "" : " " + String.join(" ", result.flags()))
                    + (probe.sendsKey() ? " --api-key \"$UPSTREAM_API_KEY\"" : ""));
            return 0;
        }
        out.println("Verdict: the relay cannot serve Codex from this upstream as it is (" + probe.requests()
                + " requests made); see the FAIL lines above.");
        return 1;
    }

    private static @Nullable String blankToNull(@Nullable String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
