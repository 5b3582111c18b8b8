package dev.whatsapphub.connectors.jms;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.dataformat.xml.XmlMapper;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.connectors.Connector;
import dev.whatsapphub.connectors.ConnectorEvents.Taken;
import dev.whatsapphub.connectors.ConnectorFile;
import dev.whatsapphub.events.EventIntake;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The answer to a legacy request with {@code JMSReplyTo}: the file's {@code reply.body} as XML
 * under {@code reply.root}, its expressions on the request's payload and on {@code hubAck}
 * (ACCEPTED, IGNORED, REJECTED), {@code hubMessageIds} and {@code hubReason}; correlated by the
 * request's {@code JMSCorrelationID} (else its message id), or always its message id.
 */
@Component
class Acknowledgements {

    static final String PAYLOAD = "hubPayload";
    private static final String REPLY_TO = "JMSReplyTo";

    private final XmlMapper xml = new XmlMapper();
    private final Path folder;

    Acknowledgements(HubProperties properties) {
        this.folder = properties.connectorsDir().toAbsolutePath().normalize();
    }

    /** The absolute path of a layout file next to the connector files. */
    String layout(String file) {
        return folder.resolve(file).toString();
    }

    void taken(Connector connector, Exchange exchange, Taken taken) {
        if (!wantsReply(connector, exchange)) {
            return;
        }
        if (taken.ignored() != null) {
            answer(connector, exchange, "IGNORED", List.of(), taken.ignored());
            return;
        }
        List<String> ids = taken.outcome().messages().stream().map(EventIntake.MessageRef::id).toList();
        answer(connector, exchange, "unrouted".equals(taken.outcome().status()) ? "UNROUTED" : "ACCEPTED", ids, taken.outcome().reason());
    }

    void rejected(Connector connector, Exchange exchange) {
        if (wantsReply(connector, exchange)) {
            Object payload = exchange.getProperty(PAYLOAD);
            if (payload != null) {
                exchange.getMessage().setBody(payload);
            }
            answer(connector, exchange, "REJECTED", List.of(), exchange.getMessage().getHeader(EventIntake.REASON, String.class));
        }
    }

    private static boolean wantsReply(Connector connector, Exchange exchange) {
        return connector.file().reply() != null && exchange.getMessage().getHeader(REPLY_TO) != null;
    }

    private void answer(Connector connector, Exchange exchange, String ack, List<String> messageIds, String reason) {
        ConnectorFile.Reply reply = connector.file().reply();
        var message = exchange.getMessage();
        message.setHeader("hubAck", ack);
        message.setHeader("hubMessageIds", messageIds);
        message.setHeader("hubReason", reason);
        String request = message.getHeader("JMSMessageID", String.class);
        String correlation = message.getHeader("JMSCorrelationID", String.class);
        Map<String, Object> body = ConnectorFile.evaluate(reply.body(), exchange, "", null, List.of());
        try {
            message.setBody(xml.writer().withRootName(reply.root()).writeValueAsString(body));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("reply.body of " + connector.id() + ".yaml cannot be written as XML", e);
        }
        message.setHeader("JMSCorrelationID", "message-id".equals(reply.correlation()) || correlation == null ? request : correlation);
        message.removeHeaders("hub*");
    }
}
