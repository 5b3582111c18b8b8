package dev.whatsapphub.api;

import dev.whatsapphub.callback.CallbackStore;
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
 * delivers one again with the same {@code event_id}.
 */
@RestController
@RequestMapping("/api/v1/callbacks")
class CallbacksController {

    private static final Set<String> STATES = Set.of("dead", "pending", "delivered");

    private final CallbackStore callbacks;

    CallbacksController(CallbackStore callbacks) {
        this.callbacks = callbacks;
    }

    @GetMapping
    List<Map<String, Object>> list(@RequestParam(defaultValue = "dead") String state, @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        if (!STATES.contains(state)) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                    "state must be one of dead, pending, delivered, not '" + state + "'");
        }
        return callbacks.inState(client, state).stream().map(CallbacksController::view).toList();
    }

    @PostMapping("/{eventId}/replay")
    Map<String, Object> replay(@PathVariable String eventId, @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        if (!callbacks.replay(eventId, client)) {
            throw ApiProblem.notFound("No dead callback '" + eventId + "' of this API key");
        }
        return view(callbacks.find(eventId).orElseThrow());
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
