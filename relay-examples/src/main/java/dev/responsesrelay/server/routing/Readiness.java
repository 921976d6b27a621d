package dev.responsesrelay.server.routing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/** The body and status of {@code GET /readyz}, from each upstream's last known state. */
public final class Readiness {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Readiness() {}

    /**
     * {@code {"ready":…,"upstreams":{name:{"reachable":…,"detail":…,"at":…}}}}: ready while at least
     * one upstream is not known to be down (an upstream not contacted yet counts as up).
     */
    public static Answer of(Map<String, ModelCatalog.UpstreamState> states) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode upstreams = JSON.createObjectNode();
        boolean ready = false;
        for (Map.Entry<String, ModelCatalog.UpstreamState> entry : states.entrySet()) {
            ModelCatalog.UpstreamState state = entry.getValue();
            ObjectNode node = upstreams.putObject(entry.getKey());
            Boolean reachable = state.reachable();
            if (reachable == null) {
                node.putNull("reachable");
            } else {
                node.put("reachable", reachable);
            }
            node.put("detail", state.detail());
            node.put("at", state.at() == null ? null : state.at().toString());
            ready |= !Boolean.FALSE.equals(reachable);
        }
        body.put("ready", ready);
        body.set("upstreams", upstreams);
        return new Answer(ready ? 200 : 503, body.toString());
    }

    /** The status and JSON body. */
    public record Answer(int status, String json) {}
}
