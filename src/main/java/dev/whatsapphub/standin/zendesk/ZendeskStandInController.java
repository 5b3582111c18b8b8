package dev.whatsapphub.standin.zendesk;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.standin.StandInProperties;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * The Zendesk stand-in, under {@code /standin/zendesk}: the REST endpoints the connector calls
 * ({@code /api/v2/...}: users create_or_update and search by external id, tickets create, show,
 * update with a comment and list by external id, a ticket's comments, uploads), authenticated as
 * Zendesk does an API token ({@code Basic <email>/token:<token>}); and control endpoints: the
 * tickets with their comments, an agent's public reply (posted to the hub as Zendesk's signed
 * webhook), a ticket's status, and the last webhook posted again (Zendesk delivers at least once).
 */
@RestController
@ConditionalOnProperty(name = "standin.zendesk.enabled", havingValue = "true")
@RequestMapping(path = "/standin/zendesk", produces = MediaType.APPLICATION_JSON_VALUE)
class ZendeskStandInController {

    private static final TypeReference<Map<String, Object>> MAP = new TypeReference<>() {
    };

    private final SupportDesk desk = new SupportDesk();
    private final StandInProperties.Zendesk properties;
    private final ObjectMapper mapper;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private volatile Webhook last;
    private volatile Refused refusal;
    private final java.util.concurrent.atomic.AtomicInteger refusals = new java.util.concurrent.atomic.AtomicInteger();

    /** A webhook as posted: its body and the timestamp it was signed at. */
    private record Webhook(String body, String timestamp) {
    }

    ZendeskStandInController(StandInProperties properties, ObjectMapper mapper) {
        this.properties = properties.zendesk();
        this.mapper = mapper;
    }

    // --- the REST API --------------------------------------------------------------------------

    @PostMapping("/api/v2/users/create_or_update.json")
    ResponseEntity<Map<String, Object>> createOrUpdateUser(@RequestHeader(name = "Authorization", required = false) String auth,
                                                           @RequestBody byte[] body) {
        authenticated(auth);
        refuseIfTold();
        Map<String, Object> user = object(body, "user");
        return ResponseEntity.ok(Map.of("user", desk.createOrUpdateUser(user)));
    }

    @GetMapping("/api/v2/users/search.json")
    Map<String, Object> searchUsers(@RequestHeader(name = "Authorization", required = false) String auth, @RequestParam("external_id") String externalId) {
        authenticated(auth);
        return page("users", desk.usersByExternalId(externalId));
    }

    @GetMapping("/api/v2/users/{id}.json")
    Map<String, Object> user(@RequestHeader(name = "Authorization", required = false) String auth, @PathVariable long id) {
        authenticated(auth);
        Map<String, Object> user = desk.user(id);
        if (user == null) {
            throw new Refused(HttpStatus.NOT_FOUND, "RecordNotFound", "Not found");
        }
        return Map.of("user", user);
    }

    @PostMapping("/api/v2/tickets.json")
    ResponseEntity<Map<String, Object>> createTicket(@RequestHeader(name = "Authorization", required = false) String auth, @RequestBody byte[] body) {
        authenticated(auth);
        refuseIfTold();
        Map<String, Object> ticket = object(body, "ticket");
        if (!(ticket.get("requester_id") instanceof Number requester) || desk.user(requester.longValue()) == null) {
            throw new Refused(HttpStatus.UNPROCESSABLE_ENTITY, "RecordInvalid", "Requester: is not a user of this account");
        }
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("ticket", desk.createTicket(ticket, SupportDesk.API_AGENT)));
    }

    @GetMapping("/api/v2/tickets.json")
    Map<String, Object> ticketsByExternalId(@RequestHeader(name = "Authorization", required = false) String auth,
                                            @RequestParam("external_id") String externalId) {
        authenticated(auth);
        return page("tickets", desk.ticketsByExternalId(externalId));
    }

    @GetMapping("/api/v2/tickets/{id}.json")
    Map<String, Object> ticket(@RequestHeader(name = "Authorization", required = false) String auth, @PathVariable long id) {
        authenticated(auth);
        return Map.of("ticket", existing(id));
    }

    /** Zendesk adds a comment by updating the ticket with one. */
    @PutMapping("/api/v2/tickets/{id}.json")
    Map<String, Object> updateTicket(@RequestHeader(name = "Authorization", required = false) String auth, @PathVariable long id,
                                     @RequestBody byte[] body) {
        authenticated(auth);
        refuseIfTold();
        Map<String, Object> ticket = existing(id);
        if ("closed".equals(ticket.get("status"))) {
            throw new Refused(HttpStatus.UNPROCESSABLE_ENTITY, "RecordInvalid", "Status: closed prevents ticket update");
        }
        Map<String, Object> update = object(body, "ticket");
        if (update.get("comment") instanceof Map<?, ?> comment) {
            desk.addComment(id, comment, SupportDesk.API_AGENT);
        }
        if (update.get("status") instanceof String status && SupportDesk.STATUSES.contains(status)) {
            desk.status(id, status);
        }
        return Map.of("ticket", desk.ticket(id));
    }

    @GetMapping("/api/v2/tickets/{id}/comments.json")
    Map<String, Object> comments(@RequestHeader(name = "Authorization", required = false) String auth, @PathVariable long id) {
        authenticated(auth);
        existing(id);
        return page("comments", desk.comments(id));
    }

    @PostMapping(path = "/api/v2/uploads.json", consumes = MediaType.ALL_VALUE)
    ResponseEntity<Map<String, Object>> upload(@RequestHeader(name = "Authorization", required = false) String auth,
                                               @RequestHeader(name = "Content-Type", required = false) String contentType,
                                               @RequestParam String filename, @RequestBody byte[] content) {
        authenticated(auth);
        refuseIfTold();
        String base = ServletUriComponentsBuilder.fromCurrentContextPath().path("/standin/zendesk").toUriString();
        return ResponseEntity.status(HttpStatus.CREATED).body(Map.of("upload",
                desk.upload(filename, contentType == null ? "application/binary" : contentType, content, base)));
    }

    // --- control ---------------------------------------------------------------------------------

    /** Every ticket with its requester and comments (each with its author's role). */
    @GetMapping("/tickets")
    List<Map<String, Object>> tickets() {
        return desk.tickets();
    }

    /**
     * An agent answers publicly, {@code {"body": "..."}}: the comment is added and posted to the hub
     * as the webhook of a trigger on public agent comments, signed as Zendesk signs; answers the
     * comment and what the hub said.
     */
    @PostMapping(path = "/tickets/{id}/agent-reply", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> agentReply(@PathVariable long id, @RequestBody Map<String, Object> reply) {
        Map<String, Object> ticket = existing(id);
        if (!(reply.get("body") instanceof String text) || text.isBlank()) {
            throw new Refused(HttpStatus.BAD_REQUEST, "InvalidBody", "body: the agent's reply text is required");
        }
        Map<String, Object> comment = desk.addComment(id, Map.of("body", text, "public", true, "author_id", SupportDesk.AGENT),
                SupportDesk.API_AGENT);
        Map<String, Object> webhook = new LinkedHashMap<>();
        webhook.put("ticket", Map.of("id", String.valueOf(id), "external_id", String.valueOf(ticket.get("external_id")),
                "status", String.valueOf(desk.ticket(id).get("status"))));
        webhook.put("comment", Map.of("id", String.valueOf(comment.get("id")), "body", text, "author_id", String.valueOf(SupportDesk.AGENT)));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("comment", comment);
        answer.put("webhook", post(json(webhook), Instant.now().truncatedTo(ChronoUnit.SECONDS).toString()));
        return ResponseEntity.status(HttpStatus.CREATED).body(answer);
    }

    /** The last webhook once more, as signed then: Zendesk retries a webhook it got no answer for. */
    @PostMapping("/webhooks/last/redeliver")
    Map<String, Object> redeliver() {
        Webhook w = last;
        if (w == null) {
            throw new Refused(HttpStatus.NOT_FOUND, "RecordNotFound", "no webhook posted yet");
        }
        return post(w.body(), w.timestamp());
    }

    /**
     * The next {@code count} writes are refused as Zendesk refuses one it will never take,
     * {@code {"count": 1, "status": 422, "error": "RecordInvalid", "description": "..."}}.
     */
    @PostMapping(path = "/refusals", consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> refuse(@RequestBody Map<String, Object> refuse) {
        int status = refuse.get("status") instanceof Number n ? n.intValue() : 422;
        refusal = new Refused(HttpStatus.valueOf(status), String.valueOf(refuse.getOrDefault("error", "RecordInvalid")),
                String.valueOf(refuse.getOrDefault("description", "refused by the stand-in")));
        refusals.set(refuse.get("count") instanceof Number n ? n.intValue() : 1);
        return ResponseEntity.status(HttpStatus.CREATED).body(refuse);
    }

    private void refuseIfTold() {
        Refused r = refusal;
        if (r != null && refusals.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw r;
        }
    }

    /** An agent deletes a ticket. */
    @org.springframework.web.bind.annotation.DeleteMapping("/tickets/{id}")
    ResponseEntity<Void> delete(@PathVariable long id) {
        return desk.delete(id) ? ResponseEntity.noContent().build() : ResponseEntity.notFound().build();
    }

    /** A ticket's status, {@code {"status": "solved"}}: the next message of its customer opens a new ticket. */
    @PostMapping(path = "/tickets/{id}/status", consumes = MediaType.APPLICATION_JSON_VALUE)
    Map<String, Object> status(@PathVariable long id, @RequestBody Map<String, String> status) {
        existing(id);
        if (!SupportDesk.STATUSES.contains(status.get("status"))) {
            throw new Refused(HttpStatus.BAD_REQUEST, "InvalidValue", "status: one of " + SupportDesk.STATUSES);
        }
        desk.status(id, status.get("status"));
        return desk.ticket(id);
    }

    private Map<String, Object> post(String body, String timestamp) {
        last = new Webhook(body, timestamp);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("url", properties.webhookUrl());
        try {
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(properties.webhookUrl()))
                    .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                    .header("X-Zendesk-Webhook-Signature", Base64.getEncoder().encodeToString(sign(properties.webhookSecret(), timestamp, body)))
                    .header("X-Zendesk-Webhook-Signature-Timestamp", timestamp)
                    .header("X-Zendesk-Webhook-Id", "01STANDIN000000000000000000")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            answer.put("status", response.statusCode());
            answer.put("body", response.body());
        } catch (IOException e) {
            answer.put("error", e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer.put("error", "interrupted");
        }
        return answer;
    }

    static byte[] sign(String secret, String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return mac.doFinal((timestamp + body).getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    // --- as Zendesk answers -------------------------------------------------------------------

    /** An error as Zendesk's API answers it: {@code {"error": ..., "description": ...}}. */
    static final class Refused extends RuntimeException {
        final HttpStatus status;
        final String error;

        Refused(HttpStatus status, String error, String description) {
            super(description);
            this.status = status;
            this.error = error;
        }
    }

    @org.springframework.web.bind.annotation.ExceptionHandler(Refused.class)
    ResponseEntity<Map<String, Object>> refused(Refused e) {
        return ResponseEntity.status(e.status).contentType(MediaType.APPLICATION_JSON).body(Map.of("error", e.error, "description", e.getMessage()));
    }

    private void authenticated(String authorization) {
        String expected = "Basic " + Base64.getEncoder().encodeToString((properties.email() + "/token:" + properties.token())
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(authorization)) {
            throw new Refused(HttpStatus.UNAUTHORIZED, "Couldn't authenticate you", "an agent's email/token and API token, as Basic authentication");
        }
    }

    private Map<String, Object> existing(long id) {
        Map<String, Object> ticket = desk.ticket(id);
        if (ticket == null) {
            throw new Refused(HttpStatus.NOT_FOUND, "RecordNotFound", "Not found");
        }
        return ticket;
    }

    private Map<String, Object> object(byte[] body, String name) {
        try {
            Map<String, Object> json = mapper.readValue(body, MAP);
            if (json.get(name) instanceof Map<?, ?> inner) {
                @SuppressWarnings("unchecked")
                Map<String, Object> typed = (Map<String, Object>) inner;
                return typed;
            }
        } catch (IOException e) {
            // answered below
        }
        throw new Refused(HttpStatus.BAD_REQUEST, "InvalidJSON", "the body must be {\"" + name + "\": {...}}");
    }

    private static Map<String, Object> page(String name, List<Map<String, Object>> items) {
        Map<String, Object> page = new LinkedHashMap<>();
        page.put(name, items);
        page.put("next_page", null);
        page.put("previous_page", null);
        page.put("count", items.size());
        return page;
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
