package dev.responsesrelay.internal.request;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The tools of one request, keyed by the name the upstream sees. Built by the request mapper and
 * read by the stream translator to turn a Chat tool call back into the right Responses item.
 * Immutable once built.
 */
public final class ToolCatalog {
    public static final ToolCatalog EMPTY = new ToolCatalog(Map.of());

    private final Map<String, ToolBinding> byChatName;

    private ToolCatalog(Map<String, ToolBinding> byChatName) {
        this.byChatName = byChatName;
    }

    public static ToolCatalog of(Collection<ToolBinding> bindings) {
        Map<String, ToolBinding> map = new LinkedHashMap<>();
        for (ToolBinding b : bindings) {
            if (map.put(b.chatName(), b) != null) {
                throw new IllegalArgumentException("duplicate chat tool name " + b.chatName());
            }
        }
        return new ToolCatalog(java.util.Collections.unmodifiableMap(map));
    }

    /** The binding for a Chat function name, or null if the request declared no such tool. */
    public @Nullable ToolBinding byChatName(String chatName) {
        return byChatName.get(chatName);
    }

    public Collection<ToolBinding> all() {
        return byChatName.values();
    }

    public boolean isEmpty() {
        return byChatName.isEmpty();
    }
}
