package dev.whatsapphub.events;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.broker.BrokerConfiguration;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.model.CloudEvent;
import dev.whatsapphub.model.FieldError;
import java.util.ArrayList;
import java.util.List;
import org.apache.camel.Exchange;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * {@code events-in}: CloudEvents (JSON, structured mode) from the {@code hub.events} queue,
 * where legacy systems and connector routes put them. An event that cannot be taken in goes
 * to {@code hub.events.dlq} with the reason ({@code event-intake}); a failure of the hub itself
 * (database, broker) rolls back, and the broker delivers the event again.
 */
@Component
class EventRoutes extends RouteBuilder {

    static final String QUEUE = "hub.events";
    static final String DEAD_LETTERS = "hub.events.dlq";
    /** Names the connected system (a hub.clients name) whose API key may read the messages of a queued event. */
    static final String CLIENT_PROPERTY = "hubClient";
    private static final String NO_CLIENT = "jms:" + QUEUE;

    private final EventIntake intake;
    private final ObjectMapper mapper;
    private final HubProperties properties;

    EventRoutes(EventIntake intake, ObjectMapper mapper, HubProperties properties) {
        this.intake = intake;
        this.mapper = mapper;
        this.properties = properties;
    }

    @Override
    public void configure() {
        from(BrokerConfiguration.transactedConsumer(QUEUE, 2))
                .routeId("events-in")
                .routeConfigurationId(EventIntakeErrorHandling.ID)
                .process(this::accept);
    }

    private void accept(Exchange exchange) {
        String body = exchange.getMessage().getBody(String.class);
        List<FieldError> errors = new ArrayList<>();
        CloudEvent event;
        try {
            event = CloudEvent.parse(mapper.readTree(body), "", errors);
        } catch (JsonProcessingException e) {
            throw new InvalidEventException(List.of(new FieldError("$", "not JSON: " + e.getOriginalMessage())));
        }
        if (event == null) {
            throw new InvalidEventException(errors);
        }
        exchange.getMessage().setBody(mapper.valueToTree(intake.accept(client(exchange), event)).toString());
    }

    /** The system named by the event's hubClient property, the only configured one, or none. */
    private String client(Exchange exchange) {
        String named = exchange.getMessage().getHeader(CLIENT_PROPERTY, String.class);
        if (named != null && properties.clients().containsKey(named)) {
            return named;
        }
        return properties.clients().size() == 1 ? properties.clients().keySet().iterator().next() : NO_CLIENT;
    }
}
