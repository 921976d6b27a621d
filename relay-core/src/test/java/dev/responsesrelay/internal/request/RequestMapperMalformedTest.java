package dev.responsesrelay.internal.request;

import static dev.responsesrelay.internal.request.RequestMapperTestSupport.invalid;
import static dev.responsesrelay.internal.request.RequestMapperTestSupport.withInput;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.InvalidRequestException;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.fixtures.Samples;
import dev.responsesrelay.internal.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.LongStream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Bodies that are not valid Responses requests must fail with an InvalidRequestException and a path. */
class RequestMapperMalformedTest {
    @Test
    void bodyThatIsNotJsonNamesWhereParsingStopped() {
        InvalidRequestException error = invalid("{\"model\":\"m\",\"input\":[{\"role\":\"user\",\"content\": tru}]}");
        assertThat(error.getMessage()).startsWith("request body is not valid JSON");
        assertThat(error.path()).isEqualTo("/input/0/content");
    }

    @Test
    void bodyThatIsNotAnObjectIsRefused() {
        assertThat(invalid("[{\"model\":\"m\"}]").getMessage()).isEqualTo("request body must be a JSON object");
    }

    @Test
    void emptyBodyIsRefused() {
        assertThat(invalid("").getMessage()).isEqualTo("request body is empty");
    }

    @Test
    void contentAfterTheJsonValueIsRefused() {
        assertThat(invalid("{\"model\":\"m\",\"input\":\"hi\"} {}").getMessage())
                .startsWith("request body");
    }

    @Test
    void invalidUtf8IsRefused() {
        byte[] body = "{\"model\":\"m\",\"input\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(invalid(body).getMessage()).startsWith("request body is not valid JSON");
    }

    @Test
    void nestingDeeperThanTheLimitIsRefusedWithItsPath() {
        int depth = Json.MAX_NESTING_DEPTH + 5;
        String body = withInput("[{\"role\":\"user\",\"content\":" + "[".repeat(depth) + "]".repeat(depth) + "}]");
        InvalidRequestException error = invalid(body);
        assertThat(error.getMessage()).contains("nesting depth");
        assertThat(error.path()).startsWith("/input/0/content/0/0");
    }

    @Test
    void nestingAtTheLimitIsParsed() {
        // Depth counts the root object and the input array; what is inside may use the rest.
        int depth = Json.MAX_NESTING_DEPTH - 4;
        String body = withInput(
                "[{\"role\":\"user\",\"content\":\"hi\",\"extra\":" + "[".repeat(depth) + "]".repeat(depth) + "}]");
        assertThat(RequestMapper.map(body.getBytes(StandardCharsets.UTF_8), ProviderProfile.GENERIC)
                        .chatJson())
                .contains("\"hi\"");
    }

    @Test
    void inputOfWrongTypeIsRefused() {
        assertThat(invalid(withInput("42")).path()).isEqualTo("/input");
    }

    @Test
    void toolsThatAreNotAnArrayAreRefused() {
        assertThat(invalid("{\"model\":\"m\",\"input\":\"hi\",\"tools\":{}}").path())
                .isEqualTo("/tools");
    }

    @Test
    void toolThatIsNotAnObjectIsRefused() {
        assertThat(invalid("{\"model\":\"m\",\"input\":\"hi\",\"tools\":[\"exec\"]}")
                        .path())
                .isEqualTo("/tools/0");
    }

    @Test
    void toolChoiceOfWrongTypeIsRefused() {
        assertThat(invalid("{\"model\":\"m\",\"input\":\"hi\",\"tool_choice\":7}")
                        .path())
                .isEqualTo("/tool_choice");
    }

    @Test
    void streamThatIsNotABooleanIsRefused() {
        assertThat(invalid("{\"model\":\"m\",\"input\":\"hi\",\"stream\":\"yes\"}")
                        .path())
                .isEqualTo("/stream");
    }

    @Test
    void reasoningThatIsNotAnObjectIsRefused() {
        assertThat(invalid("{\"model\":\"m\",\"input\":\"hi\",\"reasoning\":\"high\"}")
                        .path())
                .isEqualTo("/reasoning");
    }

    @Test
    void contentPartThatIsNotAnObjectIsRefused() {
        assertThat(invalid(withInput("[{\"role\":\"user\",\"content\":[\"hi\",\"there\"]}]"))
                        .path())
                .isEqualTo("/input/0/content/0");
    }

    @Test
    void instructionsThatAreNotAStringAreRefused() {
        assertThat(invalid("{\"model\":\"m\",\"instructions\":[\"a\"],\"input\":\"hi\"}")
                        .path())
                .isEqualTo("/instructions");
    }

    /**
     * Exhaustive: every field and array element the mapper reads in the real Codex requests (one of
     * each kind of conversation), replaced by each value of another type or removed, must map or fail
     * with an InvalidRequestException, never with another exception.
     */
    @Test
    void everyDamagedFieldOfRealCodexRequestsFailsOnlyWithInvalidRequest() throws IOException {
        List<String> failures = new ArrayList<>();
        int mapped = 0;
        int refused = 0;
        for (String source : codexBodies()) {
            String name = source.substring(source.lastIndexOf('/') + 1);
            if (!name.endsWith("_002_POST_v1_responses.body.json") && !name.startsWith("10_")) {
                continue; // the _001 requests hold the same shapes as the _002 ones, minus the history
            }
            JsonNode original = shrink(Json.MAPPER.readTree(Samples.bytes(source)));
            List<String> slots = new ArrayList<>();
            collectSlots(original, "", slots);
            for (String slot : slots) {
                for (int variant = -1; variant < REPLACEMENTS.size(); variant++) {
                    JsonNode damaged = original.deepCopy();
                    replace(damaged, slot, variant < 0 ? null : REPLACEMENTS.get(variant));
                    try {
                        RequestMapper.map(Json.MAPPER.writeValueAsBytes(damaged), ProviderProfile.OPENAI);
                        mapped++;
                    } catch (InvalidRequestException expected) {
                        refused++;
                    } catch (RuntimeException e) {
                        failures.add(name + " " + slot + " := "
                                + (variant < 0 ? "(removed)" : REPLACEMENTS.get(variant)) + " threw " + e);
                    }
                }
            }
        }
        assertThat(failures).isEmpty();
        // Both outcomes must really occur, or the damage missed what the mapper reads.
        assertThat(mapped).isPositive();
        assertThat(refused).isPositive();
    }

    private static final List<JsonNode> REPLACEMENTS = List.of(
            JsonNodeFactory.instance.nullNode(),
            JsonNodeFactory.instance.booleanNode(true),
            JsonNodeFactory.instance.numberNode(-1),
            JsonNodeFactory.instance.textNode(""),
            JsonNodeFactory.instance.arrayNode().add(JsonNodeFactory.instance.objectNode()),
            JsonNodeFactory.instance.objectNode().put("type", "message"));

    /**
     * The same shape with long strings cut and tool schemas emptied, so that thousands of damaged
     * copies map in seconds; the mapper only reads the structure around them.
     */
    private static JsonNode shrink(JsonNode node) {
        if (node.isTextual() && node.textValue().length() > 64) {
            return JsonNodeFactory.instance.textNode(node.textValue().substring(0, 64));
        }
        if (node instanceof ObjectNode object) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            object.properties()
                    .forEach(field -> out.set(
                            field.getKey(),
                            field.getKey().equals("parameters")
                                    ? JsonNodeFactory.instance.objectNode().put("type", "object")
                                    : shrink(field.getValue())));
            return out;
        }
        if (node instanceof ArrayNode array) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            array.forEach(element -> out.add(shrink(element)));
            return out;
        }
        return node;
    }

    /** JSON pointers of every field and element, skipping tool schemas and long tool lists. */
    private static void collectSlots(JsonNode node, String path, List<String> out) {
        if (node.isObject()) {
            node.properties().forEach(field -> {
                String child = path + "/" + field.getKey();
                out.add(child);
                if (!field.getKey().equals("parameters") && !field.getKey().equals("client_metadata")) {
                    collectSlots(field.getValue(), child, out);
                }
            });
        } else if (node.isArray()) {
            // Tools repeat one shape; their first three and the namespaces cover it.
            boolean tools = path.endsWith("/tools");
            for (int i = 0; i < node.size(); i++) {
                JsonNode element = node.get(i);
                if (tools && i >= 3 && !"namespace".equals(element.path("type").asText())) {
                    continue;
                }
                out.add(path + "/" + i);
                collectSlots(element, path + "/" + i, out);
            }
        }
    }

    private static void replace(JsonNode root, String pointer, @Nullable JsonNode value) {
        int cut = pointer.lastIndexOf('/');
        JsonNode parent = root.at(pointer.substring(0, cut));
        String last = pointer.substring(cut + 1);
        if (parent instanceof ObjectNode object) {
            if (value == null) {
                object.remove(last);
            } else {
                object.set(last, value);
            }
        } else if (parent instanceof ArrayNode array) {
            int index = Integer.parseInt(last);
            if (value == null) {
                array.remove(index);
            } else {
                array.set(index, value);
            }
        }
    }

    /**
     * Property: whatever part of a real Codex request is damaged, the mapper either maps it or
     * throws InvalidRequestException, never another exception (which a server would turn into a
     * 500). The damage is seeded, so a failure names the seed that reproduces it.
     */
    @ParameterizedTest
    @MethodSource("seeds")
    void damagedCodexRequestFailsOnlyWithInvalidRequest(long seed) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        List<String> bodies = codexBodies();
        int pick = random.nextInt(bodies.size());
        String source = bodies.get(pick);
        JsonNode request = parsedBodies().get(pick).deepCopy();
        for (int damage = 1 + random.nextInt(3); damage > 0; damage--) {
            damage(request, random);
        }
        byte[] body = Json.MAPPER.writeValueAsBytes(request);
        try {
            MappedRequest mapped = RequestMapper.map(body, ProviderProfile.OPENAI);
            assertThat(Json.MAPPER.readTree(mapped.chatJson()).isObject())
                    .as("seed %d on %s", seed, source)
                    .isTrue();
        } catch (InvalidRequestException expected) {
            assertThat(expected.path()).as("seed %d on %s", seed, source).isNotNull();
        }
    }

    static LongStream seeds() {
        return LongStream.range(0, 100);
    }

    private static @Nullable List<JsonNode> parsed;

    private static synchronized List<JsonNode> parsedBodies() throws IOException {
        List<JsonNode> bodies = parsed;
        if (bodies == null) {
            bodies = new ArrayList<>();
            for (String path : codexBodies()) {
                bodies.add(Json.MAPPER.readTree(Samples.bytes(path)));
            }
            parsed = bodies;
        }
        return bodies;
    }

    /** Every real Codex 0.169 request body among relay-fixtures' {@link Samples}, by sample path. */
    static List<String> codexBodies() {
        return Samples.list("codex-0.169.0/", ".body.json");
    }

    /** Replaces or removes one randomly chosen node below the root. */
    private static void damage(JsonNode root, SplittableRandom random) {
        List<JsonNode> containers = new ArrayList<>();
        collectContainers(root, containers);
        JsonNode container = containers.get(random.nextInt(containers.size()));
        if (container.isEmpty()) {
            return;
        }
        JsonNode replacement = randomValue(random);
        if (container instanceof ObjectNode object) {
            List<String> names = new ArrayList<>();
            object.fieldNames().forEachRemaining(names::add);
            String name = names.get(random.nextInt(names.size()));
            if (random.nextInt(4) == 0) {
                object.remove(name);
            } else {
                object.set(name, replacement);
            }
        } else {
            ArrayNode array = (ArrayNode) container;
            array.set(random.nextInt(array.size()), replacement);
        }
    }

    /**
     * Every array and object the mapper reads. Tool parameter schemas are passed through untouched
     * and make up most of a Codex request, so they are left out to aim the damage at what is read.
     */
    private static void collectContainers(JsonNode node, List<JsonNode> out) {
        if (node.isContainerNode()) {
            out.add(node);
            node.properties().forEach(field -> {
                if (!field.getKey().equals("parameters")) {
                    collectContainers(field.getValue(), out);
                }
            });
            if (node.isArray()) {
                node.forEach(child -> collectContainers(child, out));
            }
        }
    }

    private static JsonNode randomValue(SplittableRandom random) {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        return switch (random.nextInt(9)) {
            case 0 -> nodes.nullNode();
            case 1 -> nodes.booleanNode(random.nextBoolean());
            case 2 -> nodes.numberNode(random.nextInt(-3, 100));
            case 3 -> nodes.numberNode(random.nextDouble() * 10);
            case 4 -> nodes.textNode("");
            case 5 -> nodes.textNode("x");
            case 6 -> nodes.arrayNode().add(nodes.objectNode());
            case 7 -> nodes.objectNode().put("type", "message");
            default -> nodes.objectNode();
        };
    }
}
