package dev.whatsapphub.connectors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import dev.whatsapphub.callback.ConnectorCallbacks;
import dev.whatsapphub.callback.SignedPost;
import dev.whatsapphub.connectors.ConnectorFile.Back;
import dev.whatsapphub.mapping.EventExpression.EvaluationException;
import jakarta.jms.TextMessage;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.support.DefaultExchange;
import org.springframework.jms.JmsException;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The way back: a hub callback (status, reply, opt-out) of a message a connector's event made,
 * reshaped by the file's {@code callbacks.body} (expressions on the callback: {@code ${body[type]}},
 * {@code ${body[message][status]}}, {@code ${body[metadata][order_id]}}, {@code ${body[reply][text]}})
 * and sent as a signed HTTP POST or a JMS message (JSON or XML). Retries are the hub's callbacks'.
 */
@Component
class ConnectorCallbackDelivery implements ConnectorCallbacks {

    private final Connectors connectors;
    private final CamelContext camel;
    private final ObjectMapper mapper;
    private final XmlMapper xml = new XmlMapper();
    private final SignedPost post;
    private final JmsTemplate jms;
    private final Map<String, ConnectorKind> kinds;

    ConnectorCallbackDelivery(Connectors connectors, CamelContext camel, ObjectMapper mapper, SignedPost post, JmsTemplate jms,
                              List<ConnectorKind> kinds) {
        this.kinds = kinds.stream().collect(Collectors.toMap(ConnectorKind::kind, Function.identity()));
        this.connectors = connectors;
        this.camel = camel;
        this.mapper = mapper;
        this.post = post;
        this.jms = jms;
    }

    @Override
    public Delivery deliver(String id, String eventId, String type, String body) {
        Connector connector = connectors.find(id).orElse(null);
        if (connector == null) {
            return new Delivery(false, "connector " + id + " is not running (connectors/" + id + ".yaml)");
        }
        if (kinds.get(connector.file().kind()) instanceof ConnectorKind.WritesBack writer) {
            return counted(connector, writeBack(writer, connector, eventId, type, body));
        }
        Back back = connector.file().back();
        if (back == null) {
            return new Delivery(true, "connector " + id + " takes no callbacks now (its file has no callbacks:)");
        }
        Delivery delivery;
        try {
            Exchange exchange = new DefaultExchange(camel);
            exchange.getMessage().setBody(mapper.readValue(body, Map.class));
            exchange.getMessage().setHeader("hubCallbackType", type);
            Map<String, Object> shaped = ConnectorFile.evaluate(back.body(), exchange, "", null, List.of());
            String text = "xml".equals(back.format()) ? xml.writer().withRootName(back.root()).writeValueAsString(shaped)
                    : mapper.writeValueAsString(shaped);
            if (back.url() != null) {
                delivery = post.post(back.url(), text, back.secret());
            } else {
                String correlation = back.correlation() == null ? null : back.correlation().text(exchange);
                jms.send(back.queue(), session -> {
                    TextMessage message = session.createTextMessage(text);
                    message.setJMSCorrelationID(correlation);
                    message.setStringProperty("hubEventId", eventId);
                    message.setStringProperty("hubCallbackType", type);
                    return message;
                });
                delivery = new Delivery(true, "sent to " + back.queue());
            }
        } catch (JsonProcessingException | EvaluationException e) {
            delivery = new Delivery(false, "callbacks.body of " + id + ".yaml: " + e.getMessage());
        } catch (JmsException e) {
            delivery = new Delivery(false, "JMS: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery(false, "the hub is stopping");
        }
        return counted(connector, delivery);
    }

    @SuppressWarnings("unchecked")
    private Delivery writeBack(ConnectorKind.WritesBack writer, Connector connector, String eventId, String type, String body) {
        try {
            return writer.write(connector, eventId, type, mapper.readValue(body, Map.class));
        } catch (JsonProcessingException e) {
            return Delivery.refused("the hub's callback is not JSON: " + e.getOriginalMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Delivery(false, "the hub is stopping");
        }
    }

    private static Delivery counted(Connector connector, Delivery delivery) {
        if (delivery.delivered()) {
            connector.counts.sentBack.incrementAndGet();
            connector.working();
        } else {
            connector.counts.sendBackFailures.incrementAndGet();
            if (!delivery.refused()) {
                // a refused write is the record's problem, not the system's: it is dead and listed, the connector runs on
                connector.failing("callbacks fail: " + delivery.outcome());
            }
        }
        return delivery;
    }
}
