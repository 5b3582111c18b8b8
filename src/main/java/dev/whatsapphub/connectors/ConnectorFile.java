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
                            Back back, Salesforce salesforce, Writes writes, Zendesk zendesk) {

    /** Whether the messages of its events call back to it: a {@code callbacks} section, or Salesforce's {@code writes}. */
    public boolean callsBack() {
        return back != null || writes != null;
    }

    /**
     * The support desk: its API ({@code url}, an agent's {@code email} and API {@code token}), the
     * secret its webhooks are signed with; the queue of conversations no business system owns
     * ({@code from}, where {@code hub.conversations.default-route} puts them), each ticket's
     * {@code subject} and {@code tags}, customers' files as {@code media} {@code link} or
     * {@code upload}; agents' replies sent from {@code sender} (else the number the customer wrote
     * to), outside the 24-hour window as the template {@code fallbackName} / {@code fallbackLanguage}
     * with {@code fallbackParameters} (expressions on the ticket and contact).
     */
    public record Zendesk(String url, String email, String token, String webhookSecret, String from, EventExpression subject,
                          List<String> tags, String media, String sender, String fallbackName, String fallbackLanguage,
                          Map<String, Object> fallbackParameters) {
    }

    /** The connector's dead-letter queue: payloads it could not take in, with the reason. */
    public String deadLetters() {
        return "hub.connectors." + id + ".dlq";
    }

    /**
     * Salesforce: the connected app ({@code flow} client-credentials with {@code clientSecret}, or
     * jwt with {@code username} and the {@code keystore} holding the app's certificate key), the
     * REST API version, the Pub/Sub API's address, and the {@code topic} subscribed: {@code batch}
     * events requested at a time, {@code start} where a topic without a stored replay id begins,
     * {@code onInvalidReplayId} where to resume when Salesforce no longer knows the stored one.
     */
    public record Salesforce(String loginUrl, String flow, String clientId, String clientSecret, String username, String keystore,
                             String keystorePassword, String apiVersion, String pubSubHost, int pubSubPort, boolean pubSubTls,
                             String topic, int batch, String start, String onInvalidReplayId) {
    }

    /**
     * A record written into the system for one kind of callback: into {@code object}, upserted on the
     * external id field {@code upsertOn}, or created unless a record with {@code createUnless} equal
     * to the key exists, or the record whose id {@code record} gives updated; {@code key} and
     * {@code fields} are expressions on the hub's callback.
     */
    public record Write(String object, String upsertOn, String createUnless, EventExpression record, EventExpression key,
                        Map<String, Object> fields) {
    }

    /** What is written for statuses, replies, opt-outs and opt-ins (each may be absent: nothing is written for it). */
    public record Writes(Write status, Write reply, Write optOut, Write optIn) {
    }

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
     * Evaluates a tree of expressions (maps of names to expressions, constants or maps): nothing, empty and
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
            } else if (!(node instanceof EventExpression)) {
                value = node; // a constant written plainly: true, 3
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
