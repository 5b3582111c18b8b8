package dev.whatsapphub;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashMap;
import java.util.Map;

/** What the sandbox's receive log ({@code GET /sandbox/control/sends}) says, as fault tests read it. */
public final class SandboxLog {

    private SandboxLog() {
    }

    /** Successful sends per hub id (the id is echoed in biz_opaque_callback_data). */
    public static Map<String, Integer> sendsPerHubId(Http sandbox) {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode send : sandbox.get("/sandbox/control/sends", Map.of()).json()) {
            if (send.path("errorCode").asInt() == 0) {
                counts.merge(Http.parse(send.path("body").asText()).path("biz_opaque_callback_data").asText(), 1, Integer::sum);
            }
        }
        return counts;
    }

    /** Successful sends per recipient ({@code to}): two messages made from one event would show as two. */
    public static Map<String, Integer> sendsPerRecipient(Http sandbox) {
        Map<String, Integer> counts = new HashMap<>();
        for (JsonNode send : sandbox.get("/sandbox/control/sends", Map.of()).json()) {
            if (send.path("errorCode").asInt() == 0) {
                counts.merge(Http.parse(send.path("body").asText()).path("to").asText(), 1, Integer::sum);
            }
        }
        return counts;
    }
}
