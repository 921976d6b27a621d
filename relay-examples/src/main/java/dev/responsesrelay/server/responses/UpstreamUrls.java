package dev.responsesrelay.server.responses;

import java.util.Optional;

/**
 * The Chat Completions base URL a user meant. People paste the endpoint they see in a provider's
 * documentation ({@code …/v1/chat/completions}); the relay appends {@code /chat/completions} itself,
 * so taking the paste as it is would call {@code …/chat/completions/chat/completions} and answer
 * every request with the upstream's 404 (issue 17).
 */
public final class UpstreamUrls {
    private static final String ENDPOINT = "/chat/completions";

    private UpstreamUrls() {}

    /**
     * {@code url} without a trailing {@code /chat/completions} (query and fragment kept), or {@code
     * url} itself when it does not end so.
     */
    public static String chatBase(String url) {
        int end = queryStart(url);
        String path = url.substring(0, end);
        String rest = url.substring(end);
        String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (!trimmed.endsWith(ENDPOINT)) {
            return url;
        }
        return trimmed.substring(0, trimmed.length() - ENDPOINT.length()) + rest;
    }

    /** What the user should read when {@link #chatBase} changed {@code url}; empty if it did not. */
    public static Optional<String> correction(String url, String flag) {
        String base = chatBase(url);
        if (base.equals(url)) {
            return Optional.empty();
        }
        return Optional.of(flag + " is the base URL before /chat/completions; using " + withoutQuery(base)
                + " (the relay appends /chat/completions itself)");
    }

    private static String withoutQuery(String url) {
        return url.substring(0, queryStart(url));
    }

    private static int queryStart(String url) {
        int query = url.indexOf('?');
        int fragment = url.indexOf('#');
        int end = url.length();
        if (query >= 0) {
            end = query;
        }
        if (fragment >= 0 && fragment < end) {
            end = fragment;
        }
        return end;
    }
}
