package dev.whatsapphub.api;

import dev.whatsapphub.callback.CallbackStore;
import dev.whatsapphub.callback.ConnectorCallbacks;
import dev.whatsapphub.connectors.Connectors;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The calling client's callbacks: {@code GET /api/v1/callbacks?state=dead} lists those that kept
 * failing (the callback dead letters, with the reason), {@code POST /api/v1/callbacks/{event_id}/replay}
 * delivers one again with the same {@code event_id}. A connector's own write-backs (client
 * {@code connector:<id>}, which has no API key) are listed and replayed by an operator under
 * {@code /api/v1/connectors/{id}/dead-letters}: a write the system refused waits there with its error.
 */
@RestController
@RequestMapping("/api/v1")
class CallbacksController {

    private static final Set<String> STATES = Set.of("dead", "pending", "delivered");

    private final CallbackStore callbacks;
    private final Connectors connectors;

    CallbacksController(CallbackStore callbacks, Connectors connectors) {
        this.callbacks = callbacks;
        this.connectors = connectors;
    }

    @GetMapping("/callbacks")
    List<Map<String, Object>> list(@RequestParam(defaultValue = "dead") String state, @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        if (!STATES.contains(state)) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                    "state must be one of dead, pending, delivered, not '" + state + "'");
        }
        return callbacks.inState(client, state).stream().map(CallbacksController::view).toList();
    }

    @PostMapping("/callbacks/{eventId}/replay")
    Map<String, Object> replay(@PathVariable String eventId, @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        if (!callbacks.replay(eventId, client)) {
            throw ApiProblem.notFound("No dead callback '" + eventId + "' of this API key");
        }
        return view(callbacks.find(eventId).orElseThrow());
    }

    @GetMapping("/connectors/{id}/dead-letters")
    List<Map<String, Object>> connectorDeadLetters(@PathVariable String id) {
        return callbacks.inState(connectorClient(id), "dead").stream().map(CallbacksController::view).toList();
    }

    @PostMapping("/connectors/{id}/dead-letters/{eventId}/replay")
    Map<String, Object> replayForConnector(@PathVariable String id, @PathVariable String eventId) {
        if (!callbacks.replay(eventId, connectorClient(id))) {
            throw ApiProblem.notFound("No dead callback '" + eventId + "' of connector " + id);
        }
        return view(callbacks.find(eventId).orElseThrow());
    }

    private String connectorClient(String id) {
        if (connectors.find(id).isEmpty()) {
            throw ApiProblem.notFound("No connector '" + id + "'");
        }
        return ConnectorCallbacks.TARGET_PREFIX + id;
    }

    static Map<String, Object> view(CallbackStore.Callback c) {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("event_id", c.eventId());
        view.put("type", c.type());
        view.put("message_id", c.messageId());
        view.put("target", c.target());
        view.put("state", c.state());
        view.put("attempts", c.attempts());
        view.put("last_error", c.lastError());
        view.put("created_at", c.createdAt());
        view.put("delivered_at", c.deliveredAt());
        return view;
    }
}
