package dev.whatsapphub.connectors.http;

import dev.whatsapphub.api.ApiProblem;
import dev.whatsapphub.connectors.Connector;
import dev.whatsapphub.connectors.ConnectorEvents.Taken;
import dev.whatsapphub.connectors.Connectors;
import jakarta.servlet.http.HttpServletRequest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code POST /api/v1/connectors/{id}/events}: a connected system's own webhook. 202 once the
 * event and its messages are durable, with the event's outcome; 200 {@code ignored} with the
 * reason when the file takes no event from this payload; 400 naming what is missing; 401 when
 * the signature or key is wrong (nothing is stored).
 */
@RestController
class ConnectorWebhookController {

    private final Connectors connectors;
    private final ProducerTemplate camel;

    ConnectorWebhookController(Connectors connectors, ProducerTemplate camel) {
        this.connectors = connectors;
        this.camel = camel;
    }

    @PostMapping(path = "/api/v1/connectors/{id}/events", produces = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<Map<String, Object>> receive(@PathVariable String id, @RequestBody(required = false) byte[] body,
                                                HttpServletRequest request) {
        Connector connector = connectors.find(id).filter(c -> "http".equals(c.file().kind()))
                .orElseThrow(() -> ApiProblem.notFound("no http connector '" + id + "' is running (connectors/" + id + ".yaml)"));
        Exchange exchange = camel.send(HttpConnectorRoutes.entry(connector.id()), e -> {
            for (String name : Collections.list(request.getHeaderNames())) {
                e.getMessage().setHeader(name, request.getHeader(name));
            }
            e.getMessage().setBody(body == null ? new byte[0] : body);
        });
        Exception failed = exchange.getException();
        if (failed instanceof WebhookAuth.Refused refused) {
            throw new ApiProblem(HttpStatus.UNAUTHORIZED, "connector-unauthorized", "Not from the connected system; nothing was stored",
                    refused.getMessage());
        }
        if (failed instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failed != null) {
            throw new IllegalStateException(failed);
        }
        Taken taken = exchange.getMessage().getBody(Taken.class);
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("connector", id);
        if (taken.ignored() != null) {
            answer.put("status", "ignored");
            answer.put("reason", taken.ignored());
            return ResponseEntity.ok(answer);
        }
        answer.put("event", taken.outcome());
        answer.put("status", taken.outcome().status());
        return ResponseEntity.status(HttpStatus.ACCEPTED).body(answer);
    }
}
