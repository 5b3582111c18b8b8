package dev.whatsapphub.connectors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.callback.ConnectorCallbacks;
import dev.whatsapphub.connectors.ConnectorFile.EventSpec;
import dev.whatsapphub.events.EventIntake;
import dev.whatsapphub.events.EventIntake.Outcome;
import dev.whatsapphub.events.InvalidEventException;
import dev.whatsapphub.mapping.EventExpression;
import dev.whatsapphub.mapping.EventExpression.EvaluationException;
import dev.whatsapphub.model.CloudEvent;
import dev.whatsapphub.model.FieldError;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * Turns a connector's payload (its body a map: JSON, XML or a fixed-width record read by a Camel
 * data format) into a CloudEvent with the file's expressions, and takes it in. The event's source
 * is {@code /connectors/<id>}, so a payload delivered twice (same id) makes one event.
 */
@Component
public class ConnectorEvents {

    /** Exchange property: the connector's id (set by each kind's route template). */
    public static final String CONNECTOR = "hubConnector";

    /** What came of a payload: taken in (the event's outcome), or ignored with the reason. */
    public record Taken(Outcome outcome, String ignored) {
    }

    private final Connectors connectors;
    private final EventIntake intake;
    private final ObjectMapper mapper;

    ConnectorEvents(Connectors connectors, EventIntake intake, ObjectMapper mapper) {
        this.connectors = connectors;
        this.intake = intake;
        this.mapper = mapper;
    }

    public Connector connector(Exchange exchange) {
        String id = exchange.getProperty(CONNECTOR, String.class);
        return connectors.find(id).orElseThrow(() -> new IllegalStateException("connector " + id + " is not loaded"));
    }

    /** Throws InvalidEventException naming what the payload lacks; a failure of the hub itself propagates. */
    public Taken take(Connector connector, Exchange exchange) {
        connector.counts.received.incrementAndGet();
        if (!(exchange.getMessage().getBody() instanceof Map<?, ?>)) {
            connector.counts.rejected.incrementAndGet();
            throw new InvalidEventException(List.of(new FieldError("$", "the payload must be an object (a JSON object, an XML document, a record)")));
        }
        EventSpec spec = connector.file().event();
        List<FieldError> errors = new ArrayList<>();
        try {
            if (spec.when() != null && !spec.when().matches(exchange)) {
                connector.counts.ignored.incrementAndGet();
                String reason = spec.otherwise() == null ? "event.when is false for this payload" : spec.otherwise().text(exchange);
                return new Taken(null, reason);
            }
            ObjectNode json = mapper.createObjectNode().put("specversion", "1.0");
            attribute(json, "id", spec.id(), exchange, errors, true);
            json.put("source", "/connectors/" + connector.id());
            attribute(json, "type", spec.type(), exchange, errors, true);
            attribute(json, "subject", spec.subject(), exchange, errors, false);
            attribute(json, "time", spec.time(), exchange, errors, false);
            json.put("datacontenttype", "application/json");
            List<String> missing = new ArrayList<>();
            Map<String, Object> data = ConnectorFile.evaluate(spec.data(), exchange, "", missing, spec.optional());
            missing.forEach(path -> errors.add(new FieldError("event.data." + path, "the payload gives nothing for it (file "
                    + connector.id() + ".yaml; list it under event.optional if it may be missing)")));
            json.set("data", mapper.valueToTree(data));
            ObjectNode origin = mapper.createObjectNode().put("id", connector.id());
            spec.keep().forEach((name, e) -> origin.put(name, e.text(exchange)));
            if (!errors.isEmpty()) {
                throw new InvalidEventException(errors);
            }
            CloudEvent event = CloudEvent.parse(json, "", errors);
            if (event == null) {
                throw new InvalidEventException(errors);
            }
            String callbacks = !connector.file().callsBack() ? null : ConnectorCallbacks.target(connector.id());
            Outcome outcome = intake.accept("connector:" + connector.id(), event, origin, callbacks);
            connector.counts.events.incrementAndGet();
            return new Taken(outcome, null);
        } catch (EvaluationException e) {
            connector.counts.rejected.incrementAndGet();
            throw new InvalidEventException(List.of(new FieldError(e.field(), e.getMessage())));
        } catch (InvalidEventException e) {
            connector.counts.rejected.incrementAndGet();
            throw e;
        }
    }

    private static void attribute(ObjectNode json, String name, EventExpression expression, Exchange exchange, List<FieldError> errors,
                                  boolean required) {
        String value = expression == null ? null : expression.text(exchange);
        if (value != null) {
            json.put(name, value);
        } else if (required) {
            errors.add(new FieldError("event." + name, "the payload gives nothing for it"));
        }
    }
}
