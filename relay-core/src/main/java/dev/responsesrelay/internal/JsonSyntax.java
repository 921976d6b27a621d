package dev.responsesrelay.internal;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Where a JSON text broke and why, in words a client's author understands. Jackson's own messages
 * name its internals ("StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION disabled", "code 125",
 * "start marker at [Source: REDACTED …]"), which issue 17 found in the relay's 400 answers; this
 * keeps the facts (line, column, the character found, what was expected) and drops the rest.
 */
public final class JsonSyntax {
    /** Jackson's "start marker at [Source: …; line: L, column: C]" of an unclosed object or array. */
    private static final Pattern START_MARKER =
            Pattern.compile("close marker for (Object|Array) \\(start marker at \\[.*?line: (\\d+), column: (\\d+)\\]");

    /** Jackson's "Unexpected character ('x' (code 120))" and its hex or control-character forms. */
    private static final Pattern UNEXPECTED_CHARACTER = Pattern.compile("Unexpected character \\((.*?) \\(code (\\d+)");

    private static final Pattern UNRECOGNIZED_TOKEN = Pattern.compile("Unrecognized token '(.{0,40}?)'");

    private static final Pattern CONTROL_CHARACTER =
            Pattern.compile("Illegal unquoted character \\(\\(CTRL-CHAR, code (\\d+)\\)\\)");

    /** Anything Jackson appends about its sources and features: never shown. */
    private static final Pattern JACKSON_SOURCE =
            Pattern.compile("\\s*\\(?(start marker )?at \\[Source:.*$", Pattern.DOTALL);

    private JsonSyntax() {}

    /** Where {@code text} stops being JSON, as {@link #describe} says it; empty if it is JSON. */
    public static Optional<String> problem(String text) {
        try (JsonParser parser = Json.FACTORY.createParser(text)) {
            while (parser.nextToken() != null) {
                parser.skipChildren();
            }
            return Optional.empty();
        } catch (JsonProcessingException e) {
            return Optional.of(describe(e));
        } catch (IOException e) {
            return Optional.of(String.valueOf(e.getMessage()));
        }
    }

    /**
     * {@code "line 1, column 14: expected a comma or '}' after a field, found ']'"}: the position
     * where parsing stopped (1-based; columns count bytes for a byte source) and the reason.
     */
    public static String describe(JsonProcessingException e) {
        JsonLocation location = e.getLocation();
        String where = location == null || location.getLineNr() < 1
                ? ""
                : "line " + location.getLineNr() + ", column " + Math.max(1, location.getColumnNr()) + ": ";
        return where + reason(String.valueOf(e.getOriginalMessage()));
    }

    static String reason(String jackson) {
        if (jackson.startsWith("Unexpected end-of-input")) {
            Matcher open = START_MARKER.matcher(jackson);
            if (open.find()) {
                return "the text ends before the " + open.group(1).toLowerCase(Locale.ROOT) + " opened at line "
                        + open.group(2) + ", column " + open.group(3) + " is closed";
            }
            if (jackson.contains("VALUE_STRING") || jackson.contains("closing quote")) {
                return "the text ends inside a string (a closing \" is missing)";
            }
            if (jackson.contains("Object entries")) {
                return "the text ends inside an object (a closing } is missing)";
            }
            if (jackson.contains("Array entries")) {
                return "the text ends inside an array (a closing ] is missing)";
            }
            return "the text ends before the JSON value is complete";
        }
        Matcher control = CONTROL_CHARACTER.matcher(jackson);
        if (control.find()) {
            return "a control character (code " + control.group(1) + ") inside a string must be escaped"
                    + " (\\n for a line break, \\t for a tab)";
        }
        Matcher token = UNRECOGNIZED_TOKEN.matcher(jackson);
        if (token.find()) {
            return "'" + token.group(1) + "' is not a JSON value (strings need double quotes; the literals are"
                    + " true, false and null)";
        }
        Matcher unexpected = UNEXPECTED_CHARACTER.matcher(jackson);
        if (unexpected.find()) {
            int code = Integer.parseInt(unexpected.group(2));
            String found =
                    code < 0x20 || code == 0x7f ? "a control character (code " + code + ")" : unexpected.group(1);
            return expected(jackson) + ", found " + found;
        }
        if (jackson.startsWith("Invalid UTF-8") || jackson.contains("Invalid UTF-8")) {
            return "the bytes are not valid UTF-8 text";
        }
        if (jackson.contains("Unexpected close marker")) {
            return "a closing bracket does not match the one that was opened";
        }
        // Anything else: Jackson's sentence without its source and feature notes.
        return JACKSON_SOURCE
                .matcher(jackson)
                .replaceFirst("")
                .replace('\n', ' ')
                .strip();
    }

    private static String expected(String jackson) {
        if (jackson.contains("double-quote to start field name")) {
            return "expected a field name in double quotes";
        }
        if (jackson.contains("comma to separate Object entries")) {
            return "expected a comma or '}' after a field";
        }
        if (jackson.contains("comma to separate Array entries")) {
            return "expected a comma or ']' after an array element";
        }
        if (jackson.contains("colon to separate field name and value")) {
            return "expected ':' after a field name";
        }
        if (jackson.contains("expected a valid value")) {
            return "expected a value (a string, number, object, array, true, false or null)";
        }
        return "unexpected character";
    }
}
