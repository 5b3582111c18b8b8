package dev.whatsapphub.connectors;

import java.util.Map;

/**
 * One kind of connector ({@code http}, {@code jms}), built once as a Camel route template; a
 * connector file only fills in its parameters.
 */
public interface ConnectorKind {

    String kind();

    /** The id of the kind's route template. */
    String template();

    /** The template's parameters for one connector file. */
    Map<String, Object> parameters(ConnectorFile file);
}
