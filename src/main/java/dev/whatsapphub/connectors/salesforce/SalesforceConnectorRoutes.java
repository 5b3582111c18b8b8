package dev.whatsapphub.connectors.salesforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.callback.ConnectorCallbacks.Delivery;
import dev.whatsapphub.connectors.Connector;
import dev.whatsapphub.connectors.ConnectorEvents;
import dev.whatsapphub.connectors.ConnectorFile;
import dev.whatsapphub.connectors.ConnectorKind;
import dev.whatsapphub.connectors.ConnectorPositions;
import dev.whatsapphub.connectors.Connectors;
import dev.whatsapphub.events.EventIntakeErrorHandling;
import dev.whatsapphub.events.InvalidEventException;
import dev.whatsapphub.model.FieldError;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.annotation.PreDestroy;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Kind {@code salesforce}: Platform Events or Change Data Capture read through Salesforce's
 * Pub/Sub API (Camel's {@code pubSubSubscribe}, events as JSON), each made an event and taken in,
 * the replay id stored after it ({@link ConnectorPositions}); the way back is REST writes
 * ({@link SalesforceWrites}). A payload that cannot be made an event goes to the connector's dead
 * letters with the reason ({@code event-intake}) and the position moves past it.
 */
@Component
class SalesforceConnectorRoutes extends RouteBuilder implements ConnectorKind, ConnectorKind.WritesBack {

    static final String TEMPLATE = "connector-salesforce";
    private static final String REJECTED = "direct:connector-salesforce-rejected";

    private final ConnectorEvents events;
    private final Connectors connectors;
    private final ConnectorPositions positions;
    private final SalesforceWrites writes;
    private final ObjectMapper mapper;
    private final MeterRegistry meters;
    private final Map<String, SalesforceLink> links = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "salesforce-links");
        t.setDaemon(true);
        return t;
    });

    SalesforceConnectorRoutes(ConnectorEvents events, Connectors connectors, ConnectorPositions positions, SalesforceWrites writes, ObjectMapper mapper,
                              MeterRegistry meters) {
        this.events = events;
        this.connectors = connectors;
        this.positions = positions;
        this.writes = writes;
        this.mapper = mapper;
        this.meters = meters;
    }

    @Override
    public String kind() {
        return "salesforce";
    }

    @Override
    public String template() {
        return TEMPLATE;
    }

    /** The subscription's parameters depend on the stored position, so the link builds them when it subscribes. */
    @Override
    public Map<String, Object> parameters(ConnectorFile file) {
        return Map.of("connector", file.id());
    }

    /** Connects in the background: an org that is away makes the connector failing, not the file refused. */
    @Override
    public void start(CamelContext camel, String routeId, ConnectorFile file) {
        Connector connector = connectors.find(file.id()).orElseThrow();
        SalesforceLink link = new SalesforceLink(new SalesforceLink.Parts(camel, positions, scheduler, TEMPLATE, (id, topic) -> meters
                .counter("hub.connectors.replay_id_invalid", "connector", id, "topic", topic).increment()), file, connector, routeId);
        SalesforceLink before = links.put(file.id(), link);
        if (before != null) {
            before.close();
        }
        link.open();
    }

    @Override
    public void stop(CamelContext camel, String routeId, ConnectorFile file) {
        SalesforceLink link = links.remove(file.id());
        if (link != null) {
            link.close();
        }
    }

    @Override
    public Delivery write(Connector connector, String eventId, String type, Map<String, Object> callback) {
        SalesforceLink link = links.get(connector.id());
        if (link == null || !link.connected()) {
            return new Delivery(false, "not connected to Salesforce yet (" + connector.file().salesforce().loginUrl() + ")");
        }
        return writes.write(link.componentName(), connector.file(), type, callback);
    }

    @PreDestroy
    void close() {
        links.values().forEach(SalesforceLink::close);
        scheduler.shutdownNow();
    }

    @Override
    public void configure() {
        routeTemplate(TEMPLATE)
                .templateParameter("connector").templateParameter("uri").templateParameter("deadLetters")
                .from("{{uri}}").autoStartup(false)
                    .routeConfigurationId(EventIntakeErrorHandling.ID)
                    .setProperty(ConnectorEvents.CONNECTOR, constant("{{connector}}"))
                    .setProperty(EventIntakeErrorHandling.DEAD_LETTERS, constant("{{deadLetters}}"))
                    .setProperty(EventIntakeErrorHandling.ON_REJECTED, constant(REJECTED))
                    .filter(exchange -> link(exchange).accepts())
                        .process(this::read)
                        .process(exchange -> events.take(events.connector(exchange), exchange))
                        .process(exchange -> link(exchange).advance(exchange))
                    .end();

        // in the dead letters with its reason: dealt with, so the subscription resumes after it
        from(REJECTED)
                .routeId("connector-salesforce-rejected")
                .process(exchange -> link(exchange).advance(exchange));
    }

    private SalesforceLink link(Exchange exchange) {
        String id = exchange.getProperty(ConnectorEvents.CONNECTOR, String.class);
        SalesforceLink link = links.get(id);
        if (link == null) {
            throw new IllegalStateException("connector " + id + " is not linked");
        }
        return link;
    }

    /** The event's JSON (Avro decoded by Camel) as a map; one that cannot be read goes to the dead letters. */
    private void read(Exchange exchange) {
        String json = exchange.getMessage().getBody(String.class);
        try {
            exchange.getMessage().setBody(mapper.readValue(json, LinkedHashMap.class));
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(List.of(new FieldError("$", "the event cannot be read as JSON: " + e.getOriginalMessage())));
        } catch (IllegalArgumentException e) {
            throw new InvalidEventException(List.of(new FieldError("$", "the event has no JSON body")));
        }
    }
}
