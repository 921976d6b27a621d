package dev.responsesrelay.examples.embedding;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the README tests find README.md and the poms: the checkout the build runs in. */
final class ReadmeFiles {
    private ReadmeFiles() {}

    /** The checkout's root: the nearest directory upwards with {@code .mvn/} and {@code pom.xml}. */
    static Path repositoryRoot() {
        Path start = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path dir = start; dir != null; dir = dir.getParent()) {
            if (Files.isDirectory(dir.resolve(".mvn")) && Files.isRegularFile(dir.resolve("pom.xml"))) {
                return dir;
            }
        }
        throw new IllegalStateException("no Maven checkout root (a directory with .mvn/ and pom.xml) above " + start);
    }
}
