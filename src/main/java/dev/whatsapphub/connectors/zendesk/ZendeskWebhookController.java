package dev.whatsapphub.connectors.zendesk;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.Digests;
import dev.whatsapphub.api.ApiProblem;
import dev.whatsapphub.connectors.Connector;
import dev.whatsapphub.connectors.Connectors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/connectors/{id}/webhook}: Zendesk's webhook, posted by a trigger on public
 * agent comments. Signed by Zendesk: {@code X-Zendesk-Webhook-Signature} is the base64 HMAC-SHA256
 * of {@code X-Zendesk-Webhook-Signature-Timestamp} followed by the body, with the webhook's signing
 * secret; a wrong signature, or a timestamp more than 5 minutes from now, is 401 and nothing is
 * sent. The body names the ticket ({@code {"ticket": {"id": ...}}} or {@code {"ticket_id": ...}});
 * the agents' public comments on it are read from Zendesk and sent ({@link AgentReplies}).
 */
@RestController
class ZendeskWebhookController {

    static final String SIGNATURE = "X-Zendesk-Webhook-Signature";
    static final String TIMESTAMP = "X-Zendesk-Webhook-Signature-Timestamp";
    private static final Duration FRESH = Duration.ofMinutes(5);

    private final Connectors connectors;
    private final AgentReplies replies;
    private final ObjectMapper mapper;

    ZendeskWebhookController(Connectors connectors, AgentReplies replies, ObjectMapper mapper) {
        this.connectors = connectors;
        this.replies = replies;
        this.mapper = mapper;
    }

    @PostMapping(path = "/api/v1/connectors/{id}/webhook", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> receive(@PathVariable String id, @RequestBody(required = false) byte[] body,
                                                @RequestHeader(name = SIGNATURE, required = false) String signature,
                                                @RequestHeader(name = TIMESTAMP, required = false) String timestamp) {
        Connector connector = connectors.find(id).filter(c -> "zendesk".equals(c.file().kind()))
                .orElseThrow(() -> ApiProblem.notFound("no zendesk connector '" + id + "' is running (connectors/" + id + ".yaml)"));
        byte[] payload = body == null ? new byte[0] : body;
        String refused = verify(connector.file().zendesk().webhookSecret(), signature, timestamp, payload, Instant.now());
        if (refused != null) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "webhook-unauthorized", "Not signed by Zendesk; nothing was sent", refused);
        }
        JsonNode json;
        try {
            json = mapper.readTree(payload);
        } catch (IOException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-webhook", "The webhook's body is not usable; nothing was sent",
                    "body: must be the trigger's JSON, such as {\"ticket\": {\"id\": \"{{ticket.id}}\"}}");
        }
        JsonNode ticket = json.path("ticket").isObject() ? json.path("ticket").path("id") : json.path("ticket_id");
        if (!ticket.canConvertToLong() && !(ticket.isTextual() && ticket.asText().matches("\\d{1,18}"))) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-webhook", "The webhook's body is not usable; nothing was sent",
                    "ticket.id: the ticket's id is required (the trigger's {{ticket.id}})");
        }
        AgentReplies.Outcome outcome = replies.replied(connector, ticket.asLong());
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("connector", id);
        answer.put("ticket_id", ticket.asLong());
        if (outcome == null) {
            answer.put("status", "ignored");
            answer.put("reason", "ticket " + ticket.asLong() + " was not opened by the hub: it has no WhatsApp conversation");
            return ResponseEntity.ok(answer);
        }
        answer.put("status", outcome.sent().isEmpty() ? "nothing new" : "sent");
        answer.put("sent_comments", outcome.sent());
        answer.put("already_sent_comments", outcome.repeated());
        answer.put("not_sent_comments", outcome.notSent());
        return ResponseEntity.ok(answer);
    }

    /** Null when Zendesk signed this body at a time within 5 minutes of {@code now}; else why not. */
    static String verify(String secret, String signature, String timestamp, byte[] body, Instant now) {
        if (signature == null || timestamp == null) {
            return SIGNATURE + " and " + TIMESTAMP + " are required";
        }
        Instant at;
        try {
            at = Instant.parse(timestamp);
        } catch (DateTimeParseException e) {
            return TIMESTAMP + " must be an ISO 8601 time such as 2026-12-07T10:15:30Z, not '" + timestamp + "'";
        }
        if (Duration.between(at, now).abs().compareTo(FRESH) > 0) {
            return TIMESTAMP + " " + timestamp + " is more than 5 minutes from now: a replayed or delayed webhook";
        }
        byte[] expected = Base64.getEncoder().encode(sign(secret, timestamp, body));
        if (!MessageDigest.isEqual(expected, signature.trim().getBytes(StandardCharsets.US_ASCII))) {
            return SIGNATURE + " does not match the body and timestamp (is the webhook's signing secret the one in ZENDESK_WEBHOOK_SECRET?)";
        }
        return null;
    }

    static byte[] sign(String secret, String timestamp, byte[] body) {
        return Digests.hmacSha256(secret, timestamp.getBytes(StandardCharsets.UTF_8), body);
    }
}
