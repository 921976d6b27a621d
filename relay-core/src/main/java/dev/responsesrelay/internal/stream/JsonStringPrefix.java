package dev.responsesrelay.internal.stream;

import java.nio.charset.StandardCharsets;

/**
 * Decodes the start of a JSON string straight from its UTF-8 bytes: for a whole completion's text
 * past the output bound, of which only the first chars are ever used (issue 18, {@link
 * ChunkReader#readCompletion(byte[], long)}). The escapes are RFC 8259 §7's; the bytes were checked
 * to be well-formed UTF-8 by the caller, and the parser checks the string's syntax as it skips it.
 */
final class JsonStringPrefix {
    private JsonStringPrefix() {}

    /**
     * The text of the JSON string whose content is {@code utf8[start, end)} (between its quotes),
     * decoded up to {@code maxChars} chars: all of it if it is shorter.
     */
    static String decode(byte[] utf8, int start, int end, int maxChars) {
        if (end - start <= maxChars && noEscape(utf8, start, end)) {
            // Within the limit whatever it decodes to (a char takes at least one byte), and nothing
            // to unescape: the one String of it, without a builder's copies.
            return new String(utf8, start, end - start, StandardCharsets.UTF_8);
        }
        StringBuilder text = new StringBuilder(Math.min(maxChars, end - start));
        int i = start;
        while (i < end && text.length() < maxChars) {
            int run = i;
            while (run < end && utf8[run] != '\\') {
                run++;
            }
            if (run > i) {
                // A run without escapes: n chars take at most 3n bytes (a supplementary char takes
                // 4 bytes for 2 chars), so this many bytes hold every char still wanted, plus one
                // whole char more in case the piece ends inside a multi-byte sequence.
                int wanted = maxChars - text.length();
                int take = (int) Math.min(run - i, 3L * wanted + 3);
                String piece = new String(utf8, i, take, StandardCharsets.UTF_8);
                text.append(piece, 0, Math.min(piece.length(), wanted));
                i += take;
                continue;
            }
            i = escape(utf8, i, end, text);
        }
        return text.toString();
    }

    private static boolean noEscape(byte[] utf8, int start, int end) {
        for (int i = start; i < end; i++) {
            if (utf8[i] == '\\') {
                return false;
            }
        }
        return true;
    }

    /** Appends the escape at {@code utf8[i]} (a backslash) and returns the index after it. */
    private static int escape(byte[] utf8, int i, int end, StringBuilder text) {
        if (i + 1 >= end) {
            return end; // a lone backslash at the end: the parser refuses the string
        }
        byte kind = utf8[i + 1];
        switch (kind) {
            case 'b' -> text.append('\b');
            case 'f' -> text.append('\f');
            case 'n' -> text.append('\n');
            case 'r' -> text.append('\r');
            case 't' -> text.append('\t');
            case 'u' -> {
                if (i + 6 > end) {
                    return end;
                }
                int code = 0;
                for (int k = i + 2; k < i + 6; k++) {
                    int digit = Character.digit(utf8[k], 16);
                    if (digit < 0) {
                        return end; // not JSON: the parser refuses the string
                    }
                    code = code * 16 + digit;
                }
                text.append((char) code); // a surrogate pair is two escapes, each one half
                return i + 6;
            }
            default -> text.append((char) kind); // \" \\ \/ (anything else the parser refuses)
        }
        return i + 2;
    }
}
