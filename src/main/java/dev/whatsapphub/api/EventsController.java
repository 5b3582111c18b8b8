package dev.whatsapphub.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.model.CloudEvent;
import dev.whatsapphub.events.EventIntake;
import dev.whatsapphub.events.EventIntake.Outcome;
import dev.whatsapphub.mapping.EventRouter;
import dev.whatsapphub.mapping.EventRouter.Routing;
import dev.whatsapphub.events.InvalidEventException;
import dev.whatsapphub.model.FieldError;
import jakarta.jms.Message;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/events}: CloudEvents over HTTP in structured mode
 * ({@code application/cloudevents+json}, or plain JSON), binary mode ({@code ce-*} headers, the
 * body is the data) and batch mode ({@code application/cloudevents-batch+json}).
 * {@code POST /api/v1/events/preview} shows what an event would make, sending nothing;
 * {@code GET /api/v1/events/unrouted} lists the events no mapping took.
 */
@RestController
@RequestMapping(path = "/api/v1/events", produces = MediaType.APPLICATION_JSON_VALUE)
class EventsController {

    private static final String BATCH = "application/cloudevents-batch+json";

    private final EventIntake intake;
    private final EventRouter router;
    private final ObjectMapper mapper;
    private final JmsTemplate jms;

    EventsController(EventIntake intake, EventRouter router, ObjectMapper mapper, JmsTemplate jms) {
        this.intake = intake;
        this.router = router;
        this.mapper = mapper;
        this.jms = jms;
    }

    @PostMapping
    ResponseEntity<Object> post(@RequestBody(required = false) String body, @RequestHeader HttpHeaders headers,
                                @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        if (isBatch(headers)) {
            List<FieldError> errors = new ArrayList<>();
            List<CloudEvent> events = CloudEvent.parseBatch(json(body), errors);
            if (!errors.isEmpty()) {
                throw new InvalidEventException(errors);
            }
            return ResponseEntity.accepted().body(intake.acceptAll(client, events));
        }
        CloudEvent event = single(body, headers);
        Outcome outcome = intake.accept(client, event);
        var response = ResponseEntity.accepted();
        if (outcome.replayed()) {
            response.header("Idempotent-Replayed", "true");
        }
        return response.body(outcome);
    }

    /** What the event would make, with every error; nothing is stored, queued or sent. */
    @PostMapping("/preview")
    Map<String, Object> preview(@RequestBody(required = false) String body, @RequestHeader HttpHeaders headers) {
        CloudEvent event = single(body, headers);
        Routing routing = router.route(event);
        List<FieldError> errors = new ArrayList<>(routing.errors());
        errors.addAll(intake.problems(routing.messages()));
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("event", Map.of("source", event.source(), "id", event.id(), "type", event.type()));
        answer.put("routed", !routing.unrouted());
        answer.put("messages", routing.messages().stream().map(r -> Map.of("mapping", r.mapping(), "file", r.file(), "request", r.request())).toList());
        answer.put("errors", errors);
        return answer;
    }

    @GetMapping("/unrouted")
    List<Map<String, Object>> unrouted() {
        List<Map<String, Object>> list = new ArrayList<>();
        jms.browse(EventIntake.UNROUTED, (session, browser) -> {
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements() && list.size() < 1000; ) {
                Message m = (Message) e.nextElement();
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("reason", m.getStringProperty(EventIntake.REASON));
                item.put("received_at", java.time.Instant.ofEpochMilli(m.getJMSTimestamp()).toString());
                item.put("event", json(m.getBody(String.class)));
                list.add(item);
            }
            return null;
        });
        return list;
    }

    private CloudEvent single(String body, HttpHeaders headers) {
        JsonNode json;
        if (headers.containsKey("ce-specversion")) {
            Map<String, String> ce = new LinkedHashMap<>();
            headers.forEach((name, values) -> {
                if (name.toLowerCase().startsWith("ce-") && !values.isEmpty()) {
                    ce.put(name.toLowerCase(), values.get(0));
                }
            });
            MediaType type = headers.getContentType();
            json = CloudEvent.fromBinary(ce, type == null ? null : type.toString(), body == null || body.isBlank() ? null : json(body));
        } else {
            json = json(body);
        }
        List<FieldError> errors = new ArrayList<>();
        CloudEvent event = CloudEvent.parse(json, "", errors);
        if (event == null) {
            throw new InvalidEventException(errors);
        }
        return event;
    }

    private static boolean isBatch(HttpHeaders headers) {
        MediaType type = headers.getContentType();
        return type != null && BATCH.equalsIgnoreCase(type.getType() + "/" + type.getSubtype());
    }

    private JsonNode json(String body) {
        if (body == null || body.isBlank()) {
            throw new InvalidEventException(List.of(new FieldError("$", "the body is empty; send a CloudEvent")));
        }
        try {
            return mapper.readTree(body);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(List.of(new FieldError("$", "not valid JSON: " + e.getOriginalMessage())));
        }
    }
}
