package dev.whatsapphub.connectors.http;

import dev.whatsapphub.connectors.ConnectorEvents;
import dev.whatsapphub.connectors.ConnectorFile;
import dev.whatsapphub.connectors.ConnectorKind;
import java.util.Map;
import org.apache.camel.builder.RouteBuilder;
import org.springframework.stereotype.Component;

/**
 * Kind {@code http}: a system's own webhook, posted to {@code POST /api/v1/connectors/<id>/events}
 * and handed to the connector's route: authenticated, read as JSON, made an event and taken in.
 * A payload that cannot be taken in is answered 400 with what is missing (the sender still holds
 * it), so this kind keeps no dead letters.
 */
@Component
class HttpConnectorRoutes extends RouteBuilder implements ConnectorKind {

    static final String TEMPLATE = "connector-http";

    private final ConnectorEvents events;
    private final WebhookAuth auth;

    HttpConnectorRoutes(ConnectorEvents events, WebhookAuth auth) {
        this.events = events;
        this.auth = auth;
    }

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public String template() {
        return TEMPLATE;
    }

    @Override
    public Map<String, Object> parameters(ConnectorFile file) {
        return Map.of("connector", file.id());
    }

    static String entry(String connector) {
        return "direct:connector-" + connector;
    }

    @Override
    public void configure() {
        // a refused payload is answered to its sender (401, 400), not logged as a failure of the hub
        errorHandler(noErrorHandler());
        routeTemplate(TEMPLATE)
                .templateParameter("connector")
                .from("direct:connector-{{connector}}")
                    .setProperty(ConnectorEvents.CONNECTOR, constant("{{connector}}"))
                    .process(exchange -> auth.verify(events.connector(exchange), exchange))
                    .process(auth::readJson)
                    .process(exchange -> exchange.getMessage().setBody(events.take(events.connector(exchange), exchange)));
    }
}
