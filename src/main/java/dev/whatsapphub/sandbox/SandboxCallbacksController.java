package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.HttpHeaders;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * A callback inbox for trying the hub's callbacks without writing a receiver: what is posted to
 * {@code /sandbox/callbacks/{name}} is kept (headers and body) and listed by a GET; {@code PUT
 * .../failures} makes the next posts fail, as a receiver that is down.
 */
@RestController
@ConditionalOnProperty(name = "sandbox.enabled", havingValue = "true")
@RequestMapping("/sandbox/callbacks")
class SandboxCallbacksController {

    /** One post as received: its headers, body and the status the inbox answered. */
    record Received(Instant at, Map<String, String> headers, String body, int answered) {
    }

    private record Failures(AtomicInteger left, int status) {
    }

    private final Map<String, List<Received>> inboxes = new ConcurrentHashMap<>();
    private final Map<String, Failures> failures = new ConcurrentHashMap<>();

    @PostMapping("/{name}")
    ResponseEntity<?> receive(@PathVariable String name, @RequestHeader HttpHeaders headers, @RequestBody(required = false) byte[] body) {
        Failures failing = failures.get(name);
        int status = failing != null && failing.left().getAndDecrement() > 0 ? failing.status() : 200;
        Map<String, String> kept = new LinkedHashMap<>();
        headers.forEach((key, values) -> kept.put(key.toLowerCase(), String.join(",", values)));
        inboxes.computeIfAbsent(name, n -> Collections.synchronizedList(new ArrayList<>()))
                .add(new Received(Instant.now(), kept, body == null ? "" : new String(body, StandardCharsets.UTF_8), status));
        return ResponseEntity.status(status).build();
    }

    @GetMapping("/{name}")
    List<Received> list(@PathVariable String name) {
        List<Received> inbox = inboxes.getOrDefault(name, List.of());
        synchronized (inbox) {
            return new ArrayList<>(inbox);
        }
    }

    @DeleteMapping("/{name}")
    ResponseEntity<?> clear(@PathVariable String name) {
        inboxes.remove(name);
        return ResponseEntity.noContent().build();
    }

    /** {@code {"count": 3, "status": 503}}: the next 3 posts are answered 503. */
    @PutMapping("/{name}/failures")
    ResponseEntity<?> fail(@PathVariable String name, @RequestBody JsonNode body) {
        if (!body.path("count").isInt()) {
            return ResponseEntity.badRequest().body(Map.of("error", "count must be an integer", "field", "count"));
        }
        failures.put(name, new Failures(new AtomicInteger(body.path("count").asInt()), body.path("status").asInt(503)));
        return ResponseEntity.noContent().build();
    }
}
