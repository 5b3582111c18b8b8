package dev.whatsapphub.connectors;

import dev.whatsapphub.mapping.EventExpression;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.camel.Exchange;

/**
 * One connector file, read and compiled: what system it connects ({@code kind}), how its payloads
 * come in, how one becomes a CloudEvent, and where the statuses and replies of the messages it
 * caused go back. Secrets and addresses are resolved references ({@link References}).
 */
public record ConnectorFile(String id, String kind, String description, Auth auth, Intake intake, EventSpec event, Reply reply,
                            Back back) {

    /** HTTP: an HMAC-SHA256 signature of the body in {@code header} (hex after {@code prefix}), and/or an API key. */
    public record Auth(String signatureHeader, String signaturePrefix, String signatureSecret, String apiKey) {
    }

    /**
     * JMS: the queue consumed, the payload's {@code format} (json, xml, fixed-width), the BeanIO
     * {@code layout} file and {@code stream} of fixed-width records, the connector's dead letters.
     */
    public record Intake(String queue, String format, String layout, String stream, int consumers, String deadLetters) {
    }

    /**
     * How a payload becomes an event: taken only {@code when} true (else ignored, {@code otherwise}
     * says why); the attributes and the data tree as expressions on the payload; {@code keep}: values
     * carried in the messages' metadata ({@code connector}) for the way back.
     */
    public record EventSpec(EventExpression when, EventExpression otherwise, EventExpression type, EventExpression id,
                            EventExpression subject, EventExpression time, Map<String, Object> data, List<String> optional,
                            Map<String, EventExpression> keep) {
    }

    /** JMS request/reply: the acknowledgement's XML root and body, and what correlates it (correlation-id or message-id). */
    public record Reply(String root, String correlation, Map<String, Object> body) {
    }

    /**
     * Where the callbacks of its messages go: an HTTP {@code url} signed with {@code secret}, or a
     * {@code queue} in {@code format} (json or xml under {@code root}); the body the file shapes, and
     * the JMS correlation id.
     */
    public record Back(String url, String secret, String queue, String format, String root, EventExpression correlation,
                       Map<String, Object> body) {
    }

    /**
     * Evaluates a tree of expressions (maps of names to expressions or maps): nothing, empty and
     * blank leave a name out, and so does a path through something absent ({@code ${body[reply][text]}}
     * of a status); {@code path} prefixes the names of what is missing.
     */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> evaluate(Map<String, Object> tree, Exchange exchange, String path, List<String> missing,
                                               List<String> optional) {
        Map<String, Object> out = new LinkedHashMap<>();
        tree.forEach((name, node) -> {
            String at = path.isEmpty() ? name : path + "." + name;
            Object value;
            if (node instanceof Map<?, ?> nested) {
                value = evaluate((Map<String, Object>) nested, exchange, at, missing, optional);
            } else {
                try {
                    value = ((EventExpression) node).evaluate(exchange);
                } catch (EventExpression.EvaluationException absent) {
                    // ${body[Customer][Name]} with no Customer: the payload gives nothing for it
                    value = null;
                }
                if (value instanceof String s && s.isBlank()) {
                    value = null;
                }
            }
            if (value == null) {
                if (missing != null && !optional.contains(at)) {
                    missing.add(at);
                }
                return;
            }
            out.put(name, value);
        });
        return out;
    }
}
