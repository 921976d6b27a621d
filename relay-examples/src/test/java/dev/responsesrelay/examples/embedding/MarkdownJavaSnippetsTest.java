package dev.responsesrelay.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every Java block in README.md and docs/*.md is a compiled file of relay-examples, linked just
 * before it (issue 17: a snippet a reader has to complete by guessing is worse than none). The
 * block must be the file's whole text or, when the file marks regions with {@code // snippet
 * begin} and {@code // snippet end} lines, exactly one of those regions less its common
 * indentation. The file is the last Markdown link to a {@code .java} file before the block, after
 * the previous block. The build compiles and tests the files; this test fails as soon as a block and
 * its file drift apart.
 */
class MarkdownJavaSnippetsTest {
    private static final Pattern JAVA_BLOCK = Pattern.compile("(?ms)^```java\\n(.*?)^```$");
    private static final Pattern JAVA_LINK = Pattern.compile("\\]\\(([^)\\s]+\\.java)\\)");
    private static final String BEGIN = "// snippet begin";
    private static final String END = "// snippet end";

    @Test
    void everyJavaBlockIsItsLinkedFileOrOneOfItsMarkedRegions() throws IOException {
        Path root = ReadmeFiles.repositoryRoot();
        List<Path> documents = new ArrayList<>(List.of(root.resolve("README.md")));
        try (Stream<Path> docs = Files.list(root.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(documents::add);
        }
        List<String> problems = new ArrayList<>();
        int blocks = 0;
        for (Path document : documents) {
            String markdown = Files.readString(document);
            String name = root.relativize(document).toString();
            int previousEnd = 0;
            Matcher block = JAVA_BLOCK.matcher(markdown);
            while (block.find()) {
                blocks++;
                String before = markdown.substring(previousEnd, block.start());
                previousEnd = block.end();
                String where = name + "'s java block at line " + lineOf(markdown, block.start());
                String linked = null;
                for (Matcher link = JAVA_LINK.matcher(before); link.find(); ) {
                    linked = link.group(1);
                }
                if (linked == null) {
                    problems.add(where + " has no link to the .java file it comes from before it");
                    continue;
                }
                Path file = Objects.requireNonNull(document.getParent())
                        .resolve(linked)
                        .normalize();
                if (!file.startsWith(root.resolve("relay-examples")) || !Files.isRegularFile(file)) {
                    problems.add(where + " links " + linked + ", which is not a file of relay-examples");
                    continue;
                }
                List<String> shownParts = shownParts(Files.readString(file));
                if (!shownParts.contains(block.group(1))) {
                    problems.add(where + " is neither " + linked + " nor one of its marked regions (first"
                            + " difference at line " + firstDifferentLine(block.group(1), shownParts)
                            + " of the block);"
                            + " copy the file or its region into the document again");
                }
            }
        }
        assertThat(problems).isEmpty();
        // README's embedding, OkHttp, conversation-state and fixtures examples; PROVIDERS.md's two.
        assertThat(blocks).isGreaterThanOrEqualTo(6);
    }

    @Test
    void regionsAreTheLinesBetweenTheMarkersLessTheirIndentation() {
        String file = """
                class A {
                    int x;
                    // snippet begin: why
                    void f() {
                        g();
                    }
                    // snippet end
                    // snippet begin
                    int y;
                    // snippet end
                }
                """;

        assertThat(shownParts(file)).containsExactly("void f() {\n    g();\n}\n", "int y;\n");
        assertThat(shownParts("class B {}\n")).containsExactly("class B {}\n");
    }

    /** The parts of a file a document may show: its marked regions, dedented, else the whole file. */
    static List<String> shownParts(String file) {
        List<String> lines = file.lines().toList();
        List<String> regions = new ArrayList<>();
        int begin = -1;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.startsWith(BEGIN)) {
                assertThat(begin)
                        .as(BEGIN + " inside a region, line " + (i + 1))
                        .isEqualTo(-1);
                begin = i;
            } else if (line.startsWith(END)) {
                assertThat(begin)
                        .as(END + " without " + BEGIN + ", line " + (i + 1))
                        .isNotNegative();
                regions.add(dedent(lines.subList(begin + 1, i)));
                begin = -1;
            }
        }
        assertThat(begin).as(BEGIN + " without " + END).isEqualTo(-1);
        return regions.isEmpty() ? List.of(file) : regions;
    }

    private static String dedent(List<String> region) {
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

    /** The first line of {@code shown} that differs from the part it agrees with longest. */
    private static int firstDifferentLine(String shown, List<String> parts) {
        List<String> a = shown.lines().toList();
        int best = 0;
        for (String part : parts) {
            List<String> b = part.lines().toList();
            int i = 0;
            while (i < a.size() && i < b.size() && a.get(i).equals(b.get(i))) {
                i++;
            }
            best = Math.max(best, i);
        }
        return best + 1;
    }

    private static int lineOf(String text, int offset) {
        return (int) text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    }
}
