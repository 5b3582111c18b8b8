package dev.whatsapphub.connectors.jms;

import dev.whatsapphub.broker.BrokerConfiguration;
import dev.whatsapphub.connectors.ConnectorEvents;
import dev.whatsapphub.connectors.ConnectorFile;
import dev.whatsapphub.connectors.ConnectorKind;
import dev.whatsapphub.events.EventIntakeErrorHandling;
import dev.whatsapphub.events.InvalidEventException;
import dev.whatsapphub.model.FieldError;
import dev.whatsapphub.Causes;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Kind {@code jms}: a legacy system's queue, consumed in a JMS transaction per message. The
 * payload is read by a Camel data format (Jackson for JSON, Jackson XML, BeanIO for fixed-width
 * records with the operator's layout file), made an event and taken in; the transaction commits
 * once the event and its messages are durable, so a crash before makes the broker deliver it again
 * and the event's id makes the repeat harmless. A payload that cannot be converted goes to the
 * connector's dead-letter queue with the reason ({@code event-intake}) and the consumer goes on.
 * A message with {@code JMSReplyTo} is answered there: accepted, ignored or rejected.
 */
@Component
class JmsConnectorRoutes extends RouteBuilder implements ConnectorKind {

    static final String TEMPLATE = "connector-jms";
    static final String REJECTED = "direct:connector-jms-rejected";
    private static final String UNMARSHAL = "hubUnmarshal";

    private final ConnectorEvents events;
    private final Acknowledgements acks;
    private final ProducerTemplate producer;

    JmsConnectorRoutes(ConnectorEvents events, Acknowledgements acks, ProducerTemplate producer) {
        this.events = events;
        this.acks = acks;
        this.producer = producer;
    }

    @Override
    public String kind() {
        return "jms";
    }

    @Override
    public String template() {
        return TEMPLATE;
    }

    @Override
    public Map<String, Object> parameters(ConnectorFile file) {
        ConnectorFile.Intake in = file.intake();
        String unmarshal = switch (in.format()) {
            case "xml" -> "dataformat:jacksonXml:unmarshal?unmarshalType=java.util.LinkedHashMap";
            case "fixed-width" -> "dataformat:beanio:unmarshal?mapping=file:" + acks.layout(in.layout()) + "&streamName=" + in.stream()
                    + "&unmarshalSingleObject=true";
            default -> "dataformat:jackson:unmarshal?unmarshalType=java.util.LinkedHashMap";
        };
        return Map.of("connector", file.id(), "queue", in.queue(), "consumers", in.consumers(), "deadLetters", in.deadLetters(),
                "unmarshal", unmarshal);
    }

    @Override
    public void configure() {
        routeTemplate(TEMPLATE)
                .templateParameter("connector").templateParameter("queue").templateParameter("consumers")
                .templateParameter("deadLetters").templateParameter("unmarshal")
                .from(BrokerConfiguration.transactedConsumer("{{queue}}", "{{consumers}}"))
                    .routeConfigurationId(EventIntakeErrorHandling.ID)
                    .setProperty(ConnectorEvents.CONNECTOR, constant("{{connector}}"))
                    .setProperty(EventIntakeErrorHandling.DEAD_LETTERS, constant("{{deadLetters}}"))
                    .setProperty(EventIntakeErrorHandling.ON_REJECTED, constant(REJECTED))
                    .setProperty(UNMARSHAL, constant("{{unmarshal}}"))
                    .process(this::read)
                    .setProperty(Acknowledgements.PAYLOAD, body())
                    .process(exchange -> acks.taken(events.connector(exchange), exchange,
                            events.take(events.connector(exchange), exchange)));

        from(REJECTED)
                .routeId("connector-jms-rejected")
                .process(exchange -> acks.rejected(events.connector(exchange), exchange));
    }

    /** The payload through the connector's data format; one it cannot read is refused here, to go to the dead letters. */
    private void read(Exchange exchange) {
        Object payload = exchange.getMessage().getBody();
        Exchange read = producer.send(exchange.getProperty(UNMARSHAL, String.class), e -> e.getMessage().setBody(payload));
        if (read.getException() != null) {
            throw new InvalidEventException(List.of(new FieldError("$", "cannot be read as the connector's format: "
                    + Causes.rootMessage(read.getException()))));
        }
        exchange.getMessage().setBody(read.getMessage().getBody());
    }
}
