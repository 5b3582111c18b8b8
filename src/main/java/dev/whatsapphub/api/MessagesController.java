package dev.whatsapphub.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.outbound.MessageIntake;
import dev.whatsapphub.outbound.MessageIntake.Intake;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.store.StoredMessage;
import java.net.URI;
import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/** {@code POST /api/v1/messages} accepts a message; {@code GET /api/v1/messages/{id}} tells where it is. */
@RestController
@RequestMapping(path = "/api/v1/messages", produces = MediaType.APPLICATION_JSON_VALUE)
class MessagesController {

    private final MessageIntake intake;
    private final MessageStore store;
    private final MessageViews views;
    private final MessageTimeline timelines;

    MessagesController(MessageIntake intake, MessageStore store, MessageViews views, MessageTimeline timelines) {
        this.timelines = timelines;
        this.intake = intake;
        this.store = store;
        this.views = views;
    }

    /** The 202 is only sent once the database and the persistent queue both hold the message. */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> send(@RequestBody JsonNode body, @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        Intake result = intake.submit(client, body);
        var response = ResponseEntity.accepted().location(location(result.id()));
        if (result.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.body(Map.of("id", result.id(), "status", result.status()));
    }

    @GetMapping("/{id}")
    Map<String, Object> status(@PathVariable String id, @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        StoredMessage message = store.find(id).filter(m -> m.client().equals(client))
                .orElseThrow(() -> ApiProblem.notFound("No message with id " + id + " was sent with this API key"));
        return views.view(message);
    }

    /** Every step of the message, oldest first: why it went as it did, without the logs. */
    @GetMapping("/{id}/timeline")
    Map<String, Object> timeline(@PathVariable String id, @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        StoredMessage message = store.find(id).filter(m -> m.client().equals(client))
                .orElseThrow(() -> ApiProblem.notFound("No message with id " + id + " was sent with this API key"));
        return Map.of("id", id, "status", message.status(), "steps", timelines.of(message));
    }

    private static URI location(String id) {
        return URI.create("/api/v1/messages/" + id);
    }
}
