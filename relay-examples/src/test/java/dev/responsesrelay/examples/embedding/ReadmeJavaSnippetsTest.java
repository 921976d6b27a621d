package dev.responsesrelay.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Every Java block in README.md is a compiled file of this repository, linked from the README (issue
 * 17: a snippet a reader has to complete by guessing is worse than none). The block must be the
 * file's whole text, or, when the file marks a region with {@code // README.md snippet begin} and
 * {@code // README.md snippet end} lines, exactly that region less its common indentation. The file
 * is the last Markdown link to a {@code .java} file before the block, after the previous block. The
 * build compiles and tests the files; this test fails as soon as a block and its file drift apart.
 */
class ReadmeJavaSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
    private static final Pattern JAVA_LINK = Pattern.compile("\\]\\(([^)\\s]+\\.java)\\)");
    private static final String BEGIN = "// README.md snippet begin";
    private static final String END = "// README.md snippet end";

    @Test
    void everyJavaBlockIsItsLinkedFileOrItsMarkedRegion() throws IOException {
        Path root = ReadmeFiles.repositoryRoot();
        String readme = Files.readString(root.resolve("README.md"));
        List<String> problems = new ArrayList<>();
        int blocks = 0;
        int previousEnd = 0;
        Matcher block = JAVA_BLOCK.matcher(readme);
        while (block.find()) {
            blocks++;
            String before = readme.substring(previousEnd, block.start());
            previousEnd = block.end();
            String where = "README.md's java block " + blocks + " (line " + lineOf(readme, block.start()) + ")";
            String linked = null;
            for (Matcher link = JAVA_LINK.matcher(before); link.find(); ) {
                linked = link.group(1);
            }
            if (linked == null) {
                problems.add(where + " has no link to the .java file it comes from before it");
                continue;
            }
            Path file = root.resolve(linked).normalize();
            if (!file.startsWith(root.resolve("relay-examples")) || !Files.isRegularFile(file)) {
                problems.add(where + " links " + linked + ", which is not a file of relay-examples");
                continue;
            }
            String expected = shownPart(Files.readString(file));
            String shown = block.group(1);
            if (!shown.equals(expected)) {
                problems.add(where + " differs from " + linked + " at its line " + firstDifferentLine(shown, expected)
                        + "; copy the file (or its marked region) into the README again");
            }
        }
        assertThat(problems).isEmpty();
        // The README's embedding, OkHttp, conversation-state and fixtures examples.
        assertThat(blocks).isGreaterThanOrEqualTo(4);
    }

    @Test
    void aRegionIsTheLinesBetweenTheMarkersLessTheirIndentation() {
        String file = """
                class A {
                    int x;
                    // README.md snippet begin: why
                    void f() {
                        g();
                    }
                    // README.md snippet end
                }
                """;

        assertThat(shownPart(file)).isEqualTo("void f() {\n    g();\n}\n");
        assertThat(shownPart("class B {}\n")).isEqualTo("class B {}\n");
    }

    /** The part of a file the README shows: its marked region, dedented, else the whole file. */
    static String shownPart(String file) {
        List<String> lines = file.lines().toList();
        int begin = -1;
        int end = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith(BEGIN)) {
                assertThat(begin).as("one " + BEGIN + " per file").isEqualTo(-1);
                begin = i;
            } else if (line.startsWith(END)) {
                end = i;
            }
        }
        if (begin < 0 && end < 0) {
            return file;
        }
        assertThat(end).as(END + " after " + BEGIN).isGreaterThan(begin);
        List<String> region = lines.subList(begin + 1, end);
        int indent = Integer.MAX_VALUE;
        for (String line : region) {
            if (!line.isBlank()) {
                indent = Math.min(indent, line.length() - line.stripLeading().length());
            }
        }
        StringBuilder out = new StringBuilder();
        for (String line : region) {
            out.append(line.isBlank() ? "" : line.substring(indent)).append('\n');
        }
        return out.toString();
    }

    private static int firstDifferentLine(String shown, String expected) {
        List<String> a = shown.lines().toList();
        List<String> b = expected.lines().toList();
        int i = 0;
        while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
            i++;
        }
        return i + 1;
    }

    private static int lineOf(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }
}
