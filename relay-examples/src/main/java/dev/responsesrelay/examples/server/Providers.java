package dev.responsesrelay.examples.server;

import dev.responsesrelay.ProviderProfile;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The provider profiles the server knows by name: the one place to add more. */
public final class Providers {
    private static final Map<String, ProviderProfile> BY_NAME = byName(ProviderProfile.GENERIC, ProviderProfile.OPENAI);

    private Providers() {}

    private static Map<String, ProviderProfile> byName(ProviderProfile... profiles) {
        Map<String, ProviderProfile> map = new LinkedHashMap<>();
        for (ProviderProfile profile : profiles) {
            map.put(profile.name().toLowerCase(Locale.ROOT), profile);
        }
        return map;
    }

    /**
     * The profile called {@code name}, ignoring case.
     *
     * @throws IllegalArgumentException naming the known profiles, if there is no such profile
     */
    public static ProviderProfile byName(String name) {
        ProviderProfile profile = BY_NAME.get(name.toLowerCase(Locale.ROOT));
        if (profile == null) {
            throw new IllegalArgumentException(
                    "unknown provider " + name + "; known: " + String.join(", ", BY_NAME.keySet()));
        }
        return profile;
    }

    /** The known names, in a stable order. */
    public static List<String> names() {
        return List.copyOf(BY_NAME.keySet());
    }
}
