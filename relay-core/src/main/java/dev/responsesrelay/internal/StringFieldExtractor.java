package dev.responsesrelay.internal;

/**
 * Extracts, while it streams, the decoded value of one top-level string field from JSON text that
 * arrives in fragments. A custom (freeform) tool such as {@code apply_patch} reaches the upstream as
 * a function with one string parameter, so its call streams as {@code {"input":"*** Begin
 * Patch\n…"}}; this turns those argument fragments into the raw patch text for {@code
 * custom_tool_call_input.delta} events, so a long patch shows up live instead of all at the end.
 *
 * <p>The scanner tracks nesting and string state character by character, decodes escapes (including
 * {@code \\uXXXX} split across fragments), takes the first occurrence of the field only, and never
 * ends a fragment on half of a surrogate pair. It is a best-effort preview: the item's final {@code
 * input} comes from a full parse of the complete arguments.
 *
 * <p>Not thread-safe.
 */
public final class StringFieldExtractor {
    private enum Role {
        KEY,
        TARGET,
        OTHER
    }

    private final String field;
    private int depth;
    private boolean inString;
    private Role role = Role.OTHER;
    /** 0: none; 1: after a backslash; 2-5: reading the hex digits of a unicode escape. */
    private int escape;

    private int unicode;
    private boolean expectKey;
    private boolean valueIsTarget;
    private boolean captured;
    private final StringBuilder key = new StringBuilder();
    private char heldHighSurrogate;

    /** Extracts the value of top-level {@code field}. */
    public StringFieldExtractor(String field) {
        this.field = field;
    }

    /** Feeds one fragment; returns the newly decoded characters of the field's value (maybe ""). */
    public String feed(CharSequence fragment) {
        StringBuilder out = new StringBuilder();
        if (heldHighSurrogate != 0) {
            out.append(heldHighSurrogate);
            heldHighSurrogate = 0;
        }
        for (int i = 0; i < fragment.length(); i++) {
            char c = fragment.charAt(i);
            if (inString) {
                inString(c, out);
            } else {
                outsideString(c);
            }
        }
        if (out.length() > 0 && Character.isHighSurrogate(out.charAt(out.length() - 1))) {
            heldHighSurrogate = out.charAt(out.length() - 1);
            out.setLength(out.length() - 1);
        }
        return out.toString();
    }

    private void inString(char c, StringBuilder out) {
        if (escape == 1) {
            escape = 0;
            switch (c) {
                case 'b' -> emit('\b', out);
                case 'f' -> emit('\f', out);
                case 'n' -> emit('\n', out);
                case 'r' -> emit('\r', out);
                case 't' -> emit('\t', out);
                case 'u' -> {
                    escape = 2;
                    unicode = 0;
                }
                default -> emit(c, out); // \" \\ \/ and, leniently, anything else
            }
        } else if (escape >= 2) {
            int digit = Character.digit(c, 16);
            unicode = unicode * 16 + Math.max(digit, 0);
            if (++escape == 6) {
                escape = 0;
                emit((char) unicode, out);
            }
        } else if (c == '\\') {
            escape = 1;
        } else if (c == '"') {
            inString = false;
            endString();
        } else {
            emit(c, out);
        }
    }

    private void emit(char c, StringBuilder out) {
        if (role == Role.TARGET) {
            out.append(c);
        } else if (role == Role.KEY) {
            key.append(c);
        }
    }

    private void endString() {
        if (role == Role.KEY) {
            expectKey = false;
            valueIsTarget = !captured && key.toString().equals(field);
        } else if (role == Role.TARGET) {
            captured = true;
        }
        role = Role.OTHER;
    }

    private void outsideString(char c) {
        switch (c) {
            case '"' -> {
                inString = true;
                if (depth == 1 && expectKey) {
                    role = Role.KEY;
                    key.setLength(0);
                } else if (depth == 1 && valueIsTarget) {
                    role = Role.TARGET;
                    valueIsTarget = false;
                } else {
                    role = Role.OTHER;
                }
            }
            case '{', '[' -> {
                valueIsTarget = false;
                depth++;
                if (depth == 1) {
                    expectKey = c == '{';
                }
            }
            case '}', ']' -> depth--;
            case ',' -> {
                if (depth == 1) {
                    expectKey = true;
                }
            }
            case ':' -> {
                if (depth == 1) {
                    expectKey = false;
                }
            }
            default -> {
                if (!Character.isWhitespace(c)) {
                    valueIsTarget = false; // a number, true, false or null: not the string we want
                }
            }
        }
    }
}
