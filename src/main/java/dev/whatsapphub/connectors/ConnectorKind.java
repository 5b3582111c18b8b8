package dev.whatsapphub.connectors;

import dev.whatsapphub.callback.ConnectorCallbacks.Delivery;
import java.util.Map;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * One kind of connector ({@code http}, {@code jms}, {@code salesforce}, {@code zendesk}), built once as a Camel
 * route template; a connector file only fills in its parameters.
 */
public interface ConnectorKind {

    String kind();

    /** The id of the kind's route template. */
    String template();

    /** The template's parameters for one connector file. */
    Map<String, Object> parameters(ConnectorFile file);

    /** Builds and starts the connector's route {@code routeId}; an exception refuses the file (the last good version runs on). */
    default void start(CamelContext camel, String routeId, ConnectorFile file) throws Exception {
        TemplatedRouteBuilder.builder(camel, template()).routeId(routeId).parameters(parameters(file)).add();
    }

    /** Stops and removes the route (the file changed or was removed). */
    default void stop(CamelContext camel, String routeId, ConnectorFile file) throws Exception {
        if (camel.getRoute(routeId) != null) {
            camel.getRouteController().stopRoute(routeId);
            camel.removeRoute(routeId);
        }
    }

    /** A kind that writes the hub's callbacks into its system itself, rather than to the file's {@code callbacks} url or queue. */
    interface WritesBack {

        /** One attempt; {@code callback} is the hub's callback JSON as a map, {@code type} its type. */
        Delivery write(Connector connector, String eventId, String type, Map<String, Object> callback) throws InterruptedException;
    }
}
