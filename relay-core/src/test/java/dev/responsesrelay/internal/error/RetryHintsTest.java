package dev.responsesrelay.internal.error;

import static org.assertj.core.api.Assertions.assertThat;

import dev.responsesrelay.RelayError;
import dev.responsesrelay.UpstreamFailure;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import org.junit.jupiter.api.Test;

/** Retry hints of docs/dialects.md §H rule 43, and the sentence Codex parses (docs/codex-wire.md §2.3). */
final class RetryHintsTest {
    private static final String RATE_LIMITED = "{\"error\":{\"message\":\"Rate limit reached\"}}";

    @Test
    void retryAfterSeconds() {
        assertThat(delay(Map.of("Retry-After", "20"))).isEqualTo(Duration.ofSeconds(20));
    }

    @Test
    void retryAfterHttpDateIsMeasuredFromTheResponsesDateHeader() {
        RelayError error = rateLimited(Map.of(
                "Retry-After", "Wed, 21 Oct 2015 07:28:30 GMT",
                "Date", "Wed, 21 Oct 2015 07:28:00 GMT"));

        assertThat(error.retryAfter()).contains(Duration.ofSeconds(30));
    }

    @Test
    void retryAfterHttpDateWithoutDateHeaderIsIgnored() {
        // The core has no clock: without the server's own Date there is nothing to measure against.
        RelayError error = rateLimited(Map.of("Retry-After", "Wed, 21 Oct 2015 07:28:30 GMT"));

        assertThat(error.retryAfter()).isEmpty();
    }

    @Test
    void retryAfterHttpDateInThePastMeansNow() {
        RelayError error = rateLimited(Map.of(
                "Retry-After", "Wed, 21 Oct 2015 07:27:00 GMT",
                "Date", "Wed, 21 Oct 2015 07:28:00 GMT"));

        assertThat(error.retryAfter()).contains(Duration.ZERO);
        assertThat(error.message()).endsWith("Please try again in 0 s.");
    }

    @Test
    void retryAfterGarbageIsIgnored() {
        assertThat(rateLimited(Map.of("Retry-After", "soon")).retryAfter()).isEmpty();
    }

    @Test
    void retryAfterMsWinsOverRetryAfter() {
        // Azure sends both; the millisecond one is the precise one.
        assertThat(delay(Map.of("retry-after-ms", "1500", "Retry-After", "2"))).isEqualTo(Duration.ofMillis(1500));
    }

    @Test
    void headerNamesAreCaseInsensitive() {
        assertThat(delay(Map.of("RETRY-AFTER", "3"))).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void rateLimitResetGoDurations() {
        assertThat(RetryHints.parseGoDuration("6s")).isEqualTo(Duration.ofSeconds(6));
        assertThat(RetryHints.parseGoDuration("1.57s")).isEqualTo(Duration.ofMillis(1570));
        assertThat(RetryHints.parseGoDuration("20ms")).isEqualTo(Duration.ofMillis(20));
        assertThat(RetryHints.parseGoDuration("1m6s")).isEqualTo(Duration.ofSeconds(66));
        assertThat(RetryHints.parseGoDuration("2h0m0s")).isEqualTo(Duration.ofHours(2));
        assertThat(RetryHints.parseGoDuration("2m59.56s")).isEqualTo(Duration.ofMillis(179_560));
        assertThat(RetryHints.parseGoDuration("1.203608125s")).isEqualTo(Duration.ofNanos(1_203_608_125));
    }

    @Test
    void bareNumbersAndWordsAreNotGoDurations() {
        // A unit-less reset could be seconds or an epoch timestamp: no guessing.
        assertThat(RetryHints.parseGoDuration("60")).isNull();
        assertThat(RetryHints.parseGoDuration("soon")).isNull();
        assertThat(RetryHints.parseGoDuration("")).isNull();
        assertThat(RetryHints.parseGoDuration("5 s")).isNull();
    }

    @Test
    void rateLimitResetOfTheEmptyBudgetIsUsed() {
        // Groq headers (docs/dialects.md §1.6): the tokens budget is the one that ran out.
        Duration delay = delay(Map.of(
                "x-ratelimit-reset-requests", "6s",
                "x-ratelimit-reset-tokens", "1.57s",
                "x-ratelimit-remaining-requests", "14",
                "x-ratelimit-remaining-tokens", "0"));

        assertThat(delay).isEqualTo(Duration.ofMillis(1570));
    }

    @Test
    void rateLimitResetWithoutRemainingTakesTheLaterReset() {
        Duration delay = delay(Map.of("x-ratelimit-reset-requests", "6s", "x-ratelimit-reset-tokens", "1.57s"));

        assertThat(delay).isEqualTo(Duration.ofSeconds(6));
    }

    @Test
    void retryAfterWinsOverRateLimitReset() {
        // Reset headers say when a budget refills; Retry-After says when to retry.
        assertThat(delay(Map.of("Retry-After", "2", "x-ratelimit-reset-requests", "6s")))
                .isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void googleRetryInfoInErrorDetails() {
        // Synthetic, shaped after docs/dialects.md rule 43 (RetryInfo.retryDelay inside error details).
        RelayError error = ErrorMapper.map(UpstreamFailure.http(
                429,
                "{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted.\",\"status\":"
                        + "\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.Help\"},"
                        + "{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\",\"retryDelay\":\"37s\"}]}}"));

        assertThat(error.retryAfter()).contains(Duration.ofSeconds(37));
        assertThat(error.message()).isEqualTo("Resource has been exhausted. Please try again in 37 s.");
    }

    @Test
    void googleRetryInfoInsideAStringifiedMessage() {
        // Synthetic, shaped after gemini-error-429-nested-string.json with the RetryInfo detail Google adds.
        String inner = "{\"error\":{\"code\":429,\"message\":\"Resource has been exhausted.\",\"status\":"
                + "\"RESOURCE_EXHAUSTED\",\"details\":[{\"@type\":\"type.googleapis.com/google.rpc.RetryInfo\","
                + "\"retryDelay\":\"12.5s\"}]}}";
        String body = "{\"error\":{\"message\":" + quoted(inner) + ",\"code\":429,\"status\":\"Too Many Requests\"}}";

        RelayError error = ErrorMapper.map(UpstreamFailure.http(429, body));

        assertThat(error.retryAfter()).contains(Duration.ofMillis(12_500));
    }

    @Test
    void azureDailyQuotaDelayIsNotPassedOnAsARetryDelay() throws IOException {
        // Real: azure-error-429-rate-limit.json ("Please retry after 86400 seconds", no headers).
        RelayError error = ErrorMapper.map(
                UpstreamFailure.http(429, ErrorMapperSamplesTest.read("azure-error-429-rate-limit.json")));

        assertThat(error.code()).contains("rate_limit_exceeded");
        assertThat(error.retryAfter()).isEmpty();
        assertThat(RetryHints.codexCanParse(error.message())).isFalse();
        assertThat(error.message()).contains("retry after 86400 seconds");
    }

    @Test
    void azureRetryAfterSentenceInTheMessage() {
        // Synthetic, worded like azure-error-429-rate-limit.json but with a short wait.
        RelayError error = ErrorMapper.map(UpstreamFailure.http(
                429,
                "{\"error\":{\"code\":\"429\",\"message\":\"Requests to the ChatCompletions_Create"
                        + " Operation have exceeded call rate limit. Please retry after 20 seconds.\"}}"));

        assertThat(error.retryAfter()).contains(Duration.ofSeconds(20));
        assertThat(error.message()).endsWith(" Please try again in 20 s.");
    }

    @Test
    void textHintsInTheirCommonForms() {
        assertThat(RetryHints.fromText("Please try again in 20s.")).isEqualTo(Duration.ofSeconds(20));
        assertThat(RetryHints.fromText("Please try again in 6ms.")).isEqualTo(Duration.ofMillis(6));
        assertThat(RetryHints.fromText("Please try again in 1m6s.")).isEqualTo(Duration.ofSeconds(66));
        assertThat(RetryHints.fromText("Please try again in 7m12.288s.")).isEqualTo(Duration.ofMillis(432_288));
        assertThat(RetryHints.fromText("Please retry after 86400 seconds.")).isEqualTo(Duration.ofDays(1));
        assertThat(RetryHints.fromText("retry after 5s")).isEqualTo(Duration.ofSeconds(5));
        assertThat(RetryHints.fromText("Please retry in 37.5s.")).isEqualTo(Duration.ofMillis(37_500));
        assertThat(RetryHints.fromText("TRY AGAIN IN 2 MINUTES")).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void textWithoutANumberIsNoHint() {
        assertThat(RetryHints.fromText("Please try again later.")).isNull();
        assertThat(RetryHints.fromText("retry after the maintenance window")).isNull();
    }

    @Test
    void firstTextHintCountsAsForCodex() {
        assertThat(RetryHints.fromText("try again in 3s, or else try again in 9s"))
                .isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void absurdDelaysAreCappedInsteadOfOverflowing() {
        assertThat(RetryHints.fromText("try again in 99999999999999999999 hours"))
                .isEqualTo(Duration.ofDays(366));
        assertThat(RetryHints.fromText("Please retry after 999999999999 seconds"))
                .isEqualTo(Duration.ofDays(366));
    }

    @Test
    void delaysLongerThanTheClientCapAreNotPassedOn() {
        assertThat(rateLimited(Map.of("Retry-After", "999999999999")).retryAfter())
                .isEmpty();
        assertThat(rateLimited(Map.of("Retry-After", "900")).retryAfter()).contains(Duration.ofMinutes(15));
        assertThat(rateLimited(Map.of("Retry-After", "901")).retryAfter()).isEmpty();
    }

    @Test
    void codexSentenceIsParsedByCodexsOwnRegexToTheSameDelay() {
        for (Duration delay : new Duration[] {
            Duration.ofSeconds(20), Duration.ofMillis(1570), Duration.ofMillis(20), Duration.ofDays(1), Duration.ZERO
        }) {
            String sentence = RetryHints.codexSentence(delay);
            Matcher matcher = RetryHints.CODEX_DELAY.matcher(sentence);

            assertThat(matcher.find()).as(sentence).isTrue();
            assertThat(matcher.group(2)).isEqualTo("s");
            assertThat(new BigDecimal(matcher.group(1)).compareTo(BigDecimal.valueOf(delay.toMillis(), 3)))
                    .as(sentence)
                    .isZero();
        }
    }

    @Test
    void codexSentenceRoundsUpSoCodexNeverRetriesEarly() {
        assertThat(RetryHints.codexSentence(Duration.ofNanos(1_000_001))).isEqualTo("Please try again in 0.002 s.");
        assertThat(RetryHints.codexSentence(Duration.ofMillis(1500))).isEqualTo("Please try again in 1.5 s.");
        assertThat(RetryHints.codexSentence(Duration.ofMinutes(2))).isEqualTo("Please try again in 120 s.");
    }

    @Test
    void codexRegexIsTheOneCodexUses() {
        // docs/codex-wire.md §2.3: (?i)try again in\s*(\d+(?:\.\d+)?)\s*(s|ms|seconds?)
        assertThat(RetryHints.CODEX_DELAY.pattern())
                .isEqualTo("(?i)try again in\\s*(\\d+(?:\\.\\d+)?)\\s*(s|ms|seconds?)");
        assertThat(RetryHints.codexCanParse("…try again in 1.5s")).isTrue();
        assertThat(RetryHints.codexCanParse("Please retry after 86400 seconds")).isFalse();
    }

    private static Duration delay(Map<String, String> headers) {
        return rateLimited(headers).retryAfter().orElseThrow();
    }

    private static RelayError rateLimited(Map<String, String> headers) {
        return ErrorMapper.map(UpstreamFailure.http(429, RATE_LIMITED, headers));
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
