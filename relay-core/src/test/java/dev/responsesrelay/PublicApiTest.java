package dev.responsesrelay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.Member;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The public API of the core is deliberate (issue 15 §5): every public or protected type, field,
 * constructor and method of the API packages (every package of relay-core outside {@code
 * dev.responsesrelay.internal}) is listed in the committed {@code relay-core/api/public-api.txt},
 * and any difference fails the build, in the manner of OkHttp's committed {@code okhttp-sse.api}
 * dump. A change to the API is made on purpose by regenerating the file with {@value #WRITE} set
 * (see {@link #HOW_TO_REGENERATE}) and committing the diff, which a reviewer then reads.
 *
 * <p>Writing the file fails the run too ("re-run"), so a build can never pass while rewriting it.
 */
class PublicApiTest {
    static final String WRITE = "relay.api.write";

    static final String HOW_TO_REGENERATE = "if the change is deliberate, regenerate the dump with\n"
            + "  ./mvnw -B -q -pl relay-core -am test -Dtest=PublicApiTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -D" + WRITE + "=true\n"
            + "then read the diff of relay-core/api/public-api.txt, run again without -D" + WRITE
            + ", and commit it with the change";

    @Test
    void publicApiMatchesTheCommittedDump() throws IOException {
        Path classes = classesDirectory();
        // Surefire runs the tests in the module's folder and names it in basedir.
        Path apiFolder = Path.of(System.getProperty("basedir", ".")).resolve("api");
        Path dumpFile = apiFolder.resolve("public-api.txt");
        String dump = dump(classes);
        if (Boolean.getBoolean(WRITE)) {
            Files.createDirectories(apiFolder);
            Files.writeString(dumpFile, dump, StandardCharsets.UTF_8);
            throw new AssertionError("public API dump rewritten at " + dumpFile
                    + "; read its diff, then re-run without -D" + WRITE + " (a run that rewrites it never passes)");
        }
        assertThat(dumpFile)
                .as("relay-core/api/public-api.txt is missing; " + HOW_TO_REGENERATE)
                .exists();
        assertThat(dump)
                .as("the public API of relay-core differs from relay-core/api/public-api.txt; " + HOW_TO_REGENERATE)
                .isEqualTo(Files.readString(dumpFile, StandardCharsets.UTF_8));
    }

    @Test
    void dumpListsTheEntryPointAndNoInternalType() {
        String dump = dump(classesDirectory());

        assertThat(dump)
                .contains("public final class dev.responsesrelay.ResponsesTranslator")
                .contains("public dev.responsesrelay.Translation dev.responsesrelay.ResponsesTranslator.translate("
                        + "java.lang.String)")
                .doesNotContain("class dev.responsesrelay.internal.");
    }

    /** The directory the core's main classes were compiled to. */
    private static Path classesDirectory() {
        try {
            return Path.of(ResponsesTranslator.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** One line per API type, then one indented line per API member, all sorted. */
    static String dump(Path classes) {
        List<String> typeNames;
        try (Stream<Path> files = Files.walk(classes.resolve("dev/responsesrelay"))) {
            typeNames = files.map(file -> classes.relativize(file).toString().replace('\\', '/'))
                    .filter(name -> name.endsWith(".class") && !name.endsWith("package-info.class"))
                    .filter(name -> !name.startsWith("dev/responsesrelay/internal/"))
                    .map(name ->
                            name.substring(0, name.length() - ".class".length()).replace('/', '.'))
                    .sorted()
                    .collect(Collectors.toList());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        StringBuilder out = new StringBuilder();
        for (String name : typeNames) {
            Class<?> type = load(name);
            if (!isApi(type)) {
                continue;
            }
            out.append(header(type)).append('\n');
            List<String> members = new ArrayList<>();
            for (Field field : type.getDeclaredFields()) {
                if (isApi(field)) {
                    members.add(field.toGenericString());
                }
            }
            for (Constructor<?> constructor : type.getDeclaredConstructors()) {
                if (isApi(constructor)) {
                    members.add(constructor.toGenericString());
                }
            }
            for (Method method : type.getDeclaredMethods()) {
                if (isApi(method) && !method.isBridge()) {
                    members.add(method.toGenericString());
                }
            }
            members.stream()
                    .sorted()
                    .forEach(member -> out.append("  ").append(member).append('\n'));
        }
        return out.toString();
    }

    private static Class<?> load(String name) {
        try {
            return Class.forName(name, false, PublicApiTest.class.getClassLoader());
        } catch (ClassNotFoundException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A type an embedder can name: public, not local or anonymous, inside public types only. */
    private static boolean isApi(Class<?> type) {
        for (Class<?> t = type; t != null; t = t.getEnclosingClass()) {
            if (t.isAnonymousClass() || t.isLocalClass() || t.isSynthetic() || !Modifier.isPublic(t.getModifiers())) {
                return false;
            }
        }
        return true;
    }

    private static boolean isApi(Member member) {
        int modifiers = member.getModifiers();
        boolean visible = Modifier.isPublic(modifiers)
                || (Modifier.isProtected(modifiers)
                        && !Modifier.isFinal(member.getDeclaringClass().getModifiers()));
        return visible && !member.isSynthetic();
    }

    private static String header(Class<?> type) {
        StringBuilder header = new StringBuilder(type.toGenericString());
        Type superclass = type.getGenericSuperclass();
        if (superclass != null && superclass != Object.class && !type.isEnum() && !type.isRecord()) {
            header.append(" extends ").append(superclass.getTypeName());
        }
        Type[] interfaces = type.getGenericInterfaces();
        if (interfaces.length > 0) {
            header.append(type.isInterface() ? " extends " : " implements ");
            for (int i = 0; i < interfaces.length; i++) {
                header.append(i == 0 ? "" : ", ").append(interfaces[i].getTypeName());
            }
        }
        Class<?>[] permitted = type.getPermittedSubclasses();
        if (permitted != null) {
            header.append(" permits ");
            for (int i = 0; i < permitted.length; i++) {
                header.append(i == 0 ? "" : ", ").append(permitted[i].getName());
            }
        }
        return header.toString();
    }
}
