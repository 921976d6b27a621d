package dev.responsesrelay.internal.error;

import dev.responsesrelay.UpstreamFailure;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Finds how long an upstream asked us to wait (docs/dialects.md §H rule 43), and words it so Codex waits
 * exactly that long (docs/codex-wire.md §2.3).
 *
 * <p>Sources, most authoritative first: {@code retry-after-ms} (Azure; more precise than, and sent
 * beside, {@code Retry-After}), {@code Retry-After}, Google's {@code RetryInfo.retryDelay} in the
 * body, a sentence in the message ("Please retry after 86400 seconds", "Please try again in 1m6s"),
 * and last the {@code x-ratelimit-reset-requests}/{@code -tokens} headers (OpenAI, Groq), which say
 * when a budget refills rather than when to retry. Without any of them there is no delay: the relay
 * never invents one.
 */
final class RetryHints {
    /**
     * The regex Codex 0.169 applies to the message of a {@code rate_limit_exceeded} failure
     * (docs/codex-wire.md §2.3). It takes the first match.
     */
    static final Pattern CODEX_DELAY = Pattern.compile("(?i)try again in\\s*(\\d+(?:\\.\\d+)?)\\s*(s|ms|seconds?)");

    /** A Go {@code time.Duration} string, also the protobuf JSON form of a Duration: 1m6s, 1.57s, 20ms. */
    private static final Pattern GO_DURATION = Pattern.compile("(?:\\d+(?:\\.\\d+)?(?:h|m|s|ms|us|µs|μs|ns))+");

    private static final Pattern GO_DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|µs|μs|ns)");

    private static final String TEXT_UNIT =
            "(ms|milliseconds?|msecs?|seconds?|secs?|s|minutes?|mins?|m|hours?|hrs?|h)(?![a-z])";

    /** "try again in 20s", "retry after 86400 seconds", "Please retry in 37.5s", "try again in 1m6s". */
    private static final Pattern TEXT_DELAY = Pattern.compile(
            "(?i)\\b(?:try again|retry)\\s+(?:in|after)\\s+" + "((?:\\d+(?:\\.\\d+)?\\s*" + TEXT_UNIT + "\\s*)+)");

    private static final Pattern TEXT_PART = Pattern.compile("(?i)(\\d+(?:\\.\\d+)?)\\s*" + TEXT_UNIT);

    private static final Pattern DECIMAL_SECONDS = Pattern.compile("\\d{1,12}(?:\\.\\d{1,9})?");

    private static final long NANOS_PER_MILLI = 1_000_000L;
    private static final long NANOS_PER_SECOND = 1_000_000_000L;

    /** Longer than any real wait, short enough that arithmetic on it never overflows. */
    private static final Duration MAX_DELAY = Duration.ofDays(366);

    private RetryHints() {}

    /**
     * The delay the upstream asked for, from headers and body together.
     *
     * @param body the parsed body, whose {@code retryDelay} and message may carry a hint
     */
    static Optional<Duration> find(UpstreamFailure failure, ErrorBody body) {
        Duration delay = fromHeaders(failure).orElse(null);
        if (delay == null) {
            delay = fromBody(body).orElse(null);
        }
        if (delay == null) {
            delay = rateLimitReset(failure);
        }
        return Optional.ofNullable(delay);
    }

    /**
     * The delay the response headers ask for as a retry delay: {@code retry-after-ms}, else {@code
     * Retry-After}. The rate-limit reset headers are not read: they say when a budget refills.
     */
    static Optional<Duration> fromHeaders(UpstreamFailure failure) {
        Duration delay = retryAfterMs(failure);
        return Optional.ofNullable(delay != null ? delay : retryAfter(failure));
    }

    /**
     * The delay a body asks for on its own, for errors that arrive without headers (inside a stream):
     * Google's {@code RetryInfo}, else a phrase in the message, else a phrase anywhere in the body
     * (a wrapped provider's message).
     */
    static Optional<Duration> fromBody(ErrorBody body) {
        Duration delay = body.retryDelay();
        if (delay == null) {
            delay = fromText(body.message());
        }
        for (int i = 0; delay == null && i < body.texts().size(); i++) {
            delay = fromText(body.texts().get(i));
        }
        return Optional.ofNullable(delay);
    }

    /** Azure's {@code retry-after-ms}: milliseconds, possibly with a fraction. */
    static @Nullable Duration retryAfterMs(UpstreamFailure failure) {
        String value = failure.header("retry-after-ms").map(String::strip).orElse("");
        if (!DECIMAL_SECONDS.matcher(value).matches()) {
            return null;
        }
        return decimal(new BigDecimal(value), NANOS_PER_MILLI);
    }

    /**
     * {@code Retry-After} (RFC 9110 §10.2.3): delay-seconds, or an HTTP date. The core has no clock,
     * so a date is measured against the response's own {@code Date} header, which the same server
     * wrote with the same clock; without a {@code Date} header the date form is ignored. A date in
     * the past means "now": zero.
     */
    static @Nullable Duration retryAfter(UpstreamFailure failure) {
        String value = failure.header("retry-after").map(String::strip).orElse("");
        if (value.isEmpty()) {
            return null;
        }
        if (DECIMAL_SECONDS.matcher(value).matches()) {
            // The RFC says whole seconds; fractions are tolerated because some servers send them.
            return decimal(new BigDecimal(value), NANOS_PER_SECOND);
        }
        ZonedDateTime retryAt = httpDate(value);
        ZonedDateTime now = failure.header("date").map(RetryHints::httpDate).orElse(null);
        if (retryAt == null || now == null) {
            return null;
        }
        Duration delay = Duration.between(now, retryAt);
        return delay.isNegative() ? Duration.ZERO : cap(delay);
    }

    /**
     * {@code x-ratelimit-reset-requests} and {@code -tokens}: Go durations saying when each budget
     * refills. A 429 means one budget is empty; when {@code x-ratelimit-remaining-*} says which,
     * its reset is the wait, otherwise the later of the two, which is long enough either way.
     */
    static @Nullable Duration rateLimitReset(UpstreamFailure failure) {
        Duration requests = failure.header("x-ratelimit-reset-requests")
                .map(RetryHints::parseGoDuration)
                .orElse(null);
        Duration tokens = failure.header("x-ratelimit-reset-tokens")
                .map(RetryHints::parseGoDuration)
                .orElse(null);
        boolean requestsEmpty = isZero(failure.header("x-ratelimit-remaining-requests"));
        boolean tokensEmpty = isZero(failure.header("x-ratelimit-remaining-tokens"));
        if (requestsEmpty && !tokensEmpty && requests != null) {
            return requests;
        }
        if (tokensEmpty && !requestsEmpty && tokens != null) {
            return tokens;
        }
        if (requests == null) {
            return tokens;
        }
        return tokens == null || requests.compareTo(tokens) >= 0 ? requests : tokens;
    }

    private static boolean isZero(Optional<String> header) {
        return header.map(String::strip).filter("0"::equals).isPresent();
    }

    /**
     * A Go {@code time.Duration} string ({@code 6s}, {@code 1.57s}, {@code 20ms}, {@code 1m6s},
     * {@code 2h0m0s}), which is also how protobuf JSON writes a Duration ({@code "37s"}). Returns
     * null for anything else, including a bare number, whose unit would be a guess.
     */
    static @Nullable Duration parseGoDuration(String text) {
        String value = text.strip();
        if (!GO_DURATION.matcher(value).matches()) {
            return null;
        }
        return sumParts(GO_DURATION_PART.matcher(value));
    }

    /**
     * A delay stated in words in an error message: "Please retry after 86400 seconds" (Azure), "Please
     * try again in 20s" / "in 1m6s" / "in 6ms" (OpenAI), "Please retry in 37.5s" (Gemini). The first
     * such phrase counts, as it does for Codex.
     */
    static @Nullable Duration fromText(String message) {
        Matcher phrase = TEXT_DELAY.matcher(message);
        if (!phrase.find()) {
            return null;
        }
        return sumParts(TEXT_PART.matcher(phrase.group(1)));
    }

    private static @Nullable Duration sumParts(Matcher parts) {
        BigDecimal nanos = BigDecimal.ZERO;
        boolean any = false;
        while (parts.find()) {
            nanos = nanos.add(new BigDecimal(parts.group(1)).multiply(BigDecimal.valueOf(nanosPer(parts.group(2)))));
            any = true;
        }
        return any ? decimal(nanos, 1) : null;
    }

    /** {@code amount} units of {@code nanosPerUnit} each, rounded up to whole nanoseconds and capped. */
    private static Duration decimal(BigDecimal amount, long nanosPerUnit) {
        BigDecimal nanos = amount.multiply(BigDecimal.valueOf(nanosPerUnit));
        if (nanos.compareTo(BigDecimal.valueOf(MAX_DELAY.toNanos())) > 0) {
            return MAX_DELAY;
        }
        return Duration.ofNanos(nanos.setScale(0, RoundingMode.CEILING).longValueExact());
    }

    private static long nanosPer(String unit) {
        String u = unit.toLowerCase(Locale.ROOT);
        if (u.equals("ns")) {
            return 1L;
        }
        if (u.equals("us") || u.equals("µs") || u.equals("μs")) {
            return 1_000L;
        }
        if (u.startsWith("ms") || u.startsWith("milli")) {
            return NANOS_PER_MILLI;
        }
        if (u.startsWith("s")) {
            return NANOS_PER_SECOND;
        }
        if (u.startsWith("m")) {
            return 60 * NANOS_PER_SECOND;
        }
        return 3600 * NANOS_PER_SECOND; // h, hr, hrs, hour, hours
    }

    private static @Nullable ZonedDateTime httpDate(String value) {
        try {
            // IMF-fixdate, the form RFC 9110 requires senders to use; the obsolete RFC 850 and asctime
            // forms are not accepted.
            return ZonedDateTime.parse(value.strip(), DateTimeFormatter.RFC_1123_DATE_TIME);
        } catch (DateTimeParseException e) {
            return null; // not a date: no hint
        }
    }

    private static Duration cap(Duration delay) {
        return delay.compareTo(MAX_DELAY) > 0 ? MAX_DELAY : delay;
    }

    /** Whether Codex would find a delay in {@code message} (the regex it applies, see above). */
    static boolean codexCanParse(String message) {
        return CODEX_DELAY.matcher(message).find();
    }

    /**
     * The sentence Codex parses: {@code Please try again in 1.57 s.} Seconds with up to millisecond
     * precision, rounded up so Codex never retries early, trailing zeros dropped.
     */
    static String codexSentence(Duration delay) {
        long nanos = delay.isNegative() ? 0 : delay.toNanos();
        long millis = (nanos + 999_999) / 1_000_000;
        String seconds = BigDecimal.valueOf(millis, 3).stripTrailingZeros().toPlainString();
        return "Please try again in " + seconds + " s.";
    }
}
