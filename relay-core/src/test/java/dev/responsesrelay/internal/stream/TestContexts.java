package dev.responsesrelay.internal.stream;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.responsesrelay.HealingRule;
import dev.responsesrelay.IdGenerator;
import dev.responsesrelay.ProviderProfile;
import dev.responsesrelay.internal.Json;
import dev.responsesrelay.internal.request.ToolBinding;
import dev.responsesrelay.internal.request.ToolCatalog;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Builds the {@link StreamContext} a translation would hand the stream machine, with deterministic
 * ids ({@link IdGenerator#sequential()}), a fixed creation time, and a recorder for healing events.
 */
public final class TestContexts {
    public static final String MODEL = "relay-model";
    public static final String RESPONSE_ID = "resp_test";
    public static final long CREATED_AT = 1_767_225_600L;

    private final List<ToolBinding> tools = new ArrayList<>();
    private ProviderProfile provider = ProviderProfile.GENERIC;
    private final Set<HealingRule> disabled = EnumSet.noneOf(HealingRule.class);
    private ObjectNode echo = Json.MAPPER.createObjectNode();
    private final List<HealingRule> healed = new ArrayList<>();
    private long maxOutputChars = StreamContext.DEFAULT_MAX_OUTPUT_CHARS;

    private TestContexts() {}

    public static TestContexts builder() {
        return new TestContexts();
    }

    /** A context with no tools, the generic profile and an empty echo. */
    public static StreamContext plain() {
        return builder().build();
    }

    /** A plain function tool whose Chat name is its name. */
    TestContexts function(String name) {
        tools.add(new ToolBinding(name, name, null, false, ""));
        return this;
    }

    /** A function inside a namespace, flattened to {@code chatName} for the upstream. */
    TestContexts namespaced(String chatName, String namespace, String name) {
        tools.add(new ToolBinding(chatName, name, namespace, false, ""));
        return this;
    }

    /** A custom (freeform) tool declared to the upstream as a function with one string parameter. */
    TestContexts custom(String name, String inputField) {
        tools.add(new ToolBinding(name, name, null, true, inputField));
        return this;
    }

    TestContexts provider(ProviderProfile provider) {
        this.provider = provider;
        return this;
    }

    TestContexts disable(HealingRule rule) {
        disabled.add(rule);
        return this;
    }

    TestContexts echo(ObjectNode echo) {
        this.echo = echo;
        return this;
    }

    /** The bound on what one answer accumulates (issue 18); the default otherwise. */
    TestContexts maxOutputChars(long maxOutputChars) {
        this.maxOutputChars = maxOutputChars;
        return this;
    }

    /** Healing events reported by contexts built from this builder, in order. */
    List<HealingRule> healed() {
        return healed;
    }

    /**
     * The context, whose {@code disabledHealing} is the rules switched off here plus every rule that
     * is off unless enabled, as {@code ResponsesTranslator} computes it, and with no history ids.
     */
    StreamContext build() {
        EnumSet<HealingRule> off = EnumSet.noneOf(HealingRule.class);
        off.addAll(disabled);
        for (HealingRule rule : HealingRule.values()) {
            if (!rule.enabledByDefault()) {
                off.add(rule);
            }
        }
        return new StreamContext(
                MODEL,
                RESPONSE_ID,
                CREATED_AT,
                ToolCatalog.of(tools),
                provider,
                IdGenerator.sequential(),
                (rule, detail) -> healed.add(rule),
                off,
                echo,
                Set.of(),
                maxOutputChars,
                false);
    }
}
