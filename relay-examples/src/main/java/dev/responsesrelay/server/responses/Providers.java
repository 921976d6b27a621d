package dev.responsesrelay.server.responses;

import dev.responsesrelay.ProviderProfile;
import java.util.ArrayList;
import java.util.List;

/**
 * Resolves the server's {@code --provider} flag to a core profile. {@code auto}, the default,
 * detects the profile from the upstream URL's host ({@link ProviderProfile#detect}); a name picks it
 * explicitly and always wins.
 */
public final class Providers {
    /** The flag value that asks for detection from the upstream URL. */
    public static final String AUTO = "auto";

    private Providers() {}

    /**
     * The profile for {@code name} ({@code auto} or a built-in name or alias, ignoring case).
     *
     * @throws IllegalArgumentException naming the known profiles, if there is no such profile
     */
    public static ProviderProfile resolve(String name, String upstreamUrl) {
        if (name.equalsIgnoreCase(AUTO)) {
            return ProviderProfile.detect(upstreamUrl);
        }
        return ProviderProfile.byName(name)
                .orElseThrow(() -> new IllegalArgumentException(
                        "unknown provider " + name + "; known: " + String.join(", ", names())));
    }

    /** {@code auto} and the built-in profile names, in a stable order. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        names.add(AUTO);
        for (ProviderProfile profile : ProviderProfile.builtIns()) {
            names.add(profile.name());
        }
        return names;
    }
}
