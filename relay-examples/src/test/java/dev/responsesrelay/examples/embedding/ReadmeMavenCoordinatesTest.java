package dev.responsesrelay.examples.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The Maven coordinates README.md gives embedders are the poms' own (issue 17): the groupId and
 * version of the parent pom, and an artifactId one of the modules builds. Every library module the
 * README does not call unpublished is named in its embedding section.
 */
class ReadmeMavenCoordinatesTest {
    private static final Pattern XML_BLOCK = Pattern.compile("(?ms)^```xml\\n(.*?)^```$");
    private static final Pattern DEPENDENCY = Pattern.compile("(?s)<dependency>(.*?)</dependency>");
    private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");

    @Test
    void everyDependencyInTheReadmeIsAnArtifactThisBuildMakes() throws IOException {
        Path root = ReadmeFiles.repositoryRoot();
        String parentPom = withoutParentAndDependencies(Files.readString(root.resolve("pom.xml")));
        String groupId = element(parentPom, "groupId");
        String version = element(parentPom, "version");
        Set<String> artifacts = new LinkedHashSet<>();
        for (Matcher module = MODULE.matcher(parentPom); module.find(); ) {
            String pom = Files.readString(root.resolve(module.group(1)).resolve("pom.xml"));
            artifacts.add(element(withoutParentAndDependencies(pom), "artifactId"));
        }
        String readme = Files.readString(root.resolve("README.md"));

        List<String> dependencies = new ArrayList<>();
        for (Matcher block = XML_BLOCK.matcher(readme); block.find(); ) {
            for (Matcher dependency = DEPENDENCY.matcher(block.group(1)); dependency.find(); ) {
                String xml = dependency.group(1);
                assertThat(element(xml, "groupId")).as(xml).isEqualTo(groupId);
                assertThat(element(xml, "version")).as(xml).isEqualTo(version);
                assertThat(artifacts).as(xml).contains(element(xml, "artifactId"));
                dependencies.add(element(xml, "artifactId"));
            }
        }
        assertThat(dependencies).as("README.md's <dependency> blocks").isNotEmpty();

        String embedding = readme.substring(
                readme.indexOf("## Embedding the translator"), readme.indexOf("## Conversation state"));
        assertThat(embedding)
                .contains("`" + version + "`", "./mvnw -B -ntp install -DskipTests")
                .contains(artifacts.stream()
                        .filter(a -> !a.equals("relay-examples"))
                        .map(a -> "`" + a + "`")
                        .toList());
        assertThat(embedding).contains(groupId + ":relay-core:" + version);
    }

    /** A pom without its parent and dependency sections, so the first elements are its own. */
    private static String withoutParentAndDependencies(String pom) {
        return pom.replaceAll("(?s)<parent>.*?</parent>", "")
                .replaceAll("(?s)<dependencyManagement>.*?</dependencyManagement>", "")
                .replaceAll("(?s)<dependencies>.*?</dependencies>", "")
                .replaceAll("(?s)<build>.*?</build>", "")
                .replaceAll("(?s)<!--.*?-->", "");
    }

    private static String element(String xml, String name) {
        Matcher m =
                Pattern.compile("<" + name + ">\\s*([^<]+?)\\s*</" + name + ">").matcher(xml);
        assertThat(m.find()).as("<" + name + "> in " + xml).isTrue();
        return m.group(1);
    }
}
