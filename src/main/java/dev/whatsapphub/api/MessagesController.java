package dev.whatsapphub.api;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.model.AcceptedMessage;
import dev.whatsapphub.model.MessageFactory;
import dev.whatsapphub.outbound.OutboundQueues;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.store.StoredMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jms.JmsException;
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

    private final MessageFactory factory;
    private final MessageStore store;
    private final OutboundQueues queues;
    private final MessageViews views;

    MessagesController(MessageFactory factory, MessageStore store, OutboundQueues queues, MessageViews views) {
        this.factory = factory;
        this.store = store;
        this.queues = queues;
        this.views = views;
    }

    /**
     * Validated, then stored, then on the persistent queue: the 202 is only sent once both hold
     * the message. A crash between the two is repaired at start-up (outbound.OutboundStarter).
     */
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> send(@RequestBody JsonNode body, @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        AcceptedMessage message = factory.accept(UUID.randomUUID().toString(), body);
        String hash = sha256(body.toString());
        var existing = store.insert(message, client, hash);
        if (existing.isPresent()) {
            if (!hash.equals(existing.get().requestHash())) {
                throw new ApiProblem(HttpStatus.UNPROCESSABLE_ENTITY, "idempotency-key-reused", "Idempotency key reused",
                        "idempotency_key '" + message.idempotencyKey() + "' was first used for a different message ("
                                + existing.get().id() + "); use a new key for a new message");
            }
            StoredMessage first = store.find(existing.get().id()).orElseThrow();
            return ResponseEntity.accepted().location(location(first.id())).header("Idempotent-Replayed", "true")
                    .body(Map.of("id", first.id(), "status", first.status()));
        }
        try {
            queues.enqueue(message);
        } catch (JmsException brokerDown) {
            store.delete(message.id());
            throw new ApiProblem(HttpStatus.SERVICE_UNAVAILABLE, "broker-unavailable", "Message broker unavailable",
                    "The message could not be queued and was not accepted; retry it: " + brokerDown.getMessage());
        }
        return ResponseEntity.accepted().location(location(message.id())).body(Map.of("id", message.id(), "status", "queued"));
    }

    @GetMapping("/{id}")
    Map<String, Object> status(@PathVariable String id, @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        StoredMessage message = store.find(id).filter(m -> m.client().equals(client))
                .orElseThrow(() -> ApiProblem.notFound("No message with id " + id + " was sent with this API key"));
        return views.view(message);
    }

    private static URI location(String id) {
        return URI.create("/api/v1/messages/" + id);
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
