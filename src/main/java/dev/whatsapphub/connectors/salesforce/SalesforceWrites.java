package dev.whatsapphub.connectors.salesforce;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.Causes;
import dev.whatsapphub.callback.Callbacks;
import dev.whatsapphub.callback.ConnectorCallbacks.Delivery;
import dev.whatsapphub.connectors.ConnectorFile;
import dev.whatsapphub.connectors.ConnectorFile.Write;
import dev.whatsapphub.mapping.EventExpression.EvaluationException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.ProducerTemplate;
import org.apache.camel.component.salesforce.SalesforceEndpointConfig;
import org.apache.camel.component.salesforce.api.SalesforceException;
import org.apache.camel.support.DefaultExchange;
import org.springframework.stereotype.Component;

/**
 * The way back into Salesforce: a hub callback becomes the record the file's {@code writes} says,
 * through the REST API with Camel's Salesforce producer (raw JSON): upserted on an external id
 * (a {@code WhatsApp_Message__c} per message, on {@code Hub_Message_Id__c}), created once (a reply's
 * {@code Task}: activities take no external ids, so the reply's wamid is queried first), or an
 * existing record updated (the Contact of an opt-out). A write Salesforce refuses for what it is
 * (a validation rule, a missing field: 400 or 404 with its errorCode) is dead at once, listed
 * with the error for replay; anything else is tried again with the hub's callback backoff.
 */
@Component
class SalesforceWrites {

    /** Errors Salesforce answers with a 400 that pass: another transaction holds the record, the org is busy. Tried again. */
    private static final Set<String> PASSING = Set.of("UNABLE_TO_LOCK_ROW", "REQUEST_RUNNING_TOO_LONG",
            "SERVER_UNAVAILABLE", "REQUEST_LIMIT_EXCEEDED");

    private final CamelContext camel;
    private final ProducerTemplate producer;
    private final ObjectMapper mapper;

    SalesforceWrites(CamelContext camel, ProducerTemplate producer, ObjectMapper mapper) {
        this.camel = camel;
        this.producer = producer;
        this.mapper = mapper;
    }

    Delivery write(String component, ConnectorFile file, String type, Map<String, Object> callback) {
        ConnectorFile.Writes writes = file.writes();
        String name = switch (type) {
            case Callbacks.STATUS -> "status";
            case Callbacks.REPLY -> "reply";
            case Callbacks.OPT_OUT -> "opt-out";
            case Callbacks.OPT_IN -> "opt-in";
            default -> type;
        };
        Write write = writes == null ? null : switch (name) {
            case "status" -> writes.status();
            case "reply" -> writes.reply();
            case "opt-out" -> writes.optOut();
            case "opt-in" -> writes.optIn();
            default -> null;
        };
        if (write == null) {
            return new Delivery(true, "nothing to write for " + type + " (no writes." + name + " in " + file.id() + ".yaml)");
        }
        Exchange on = new DefaultExchange(camel);
        on.getMessage().setBody(callback);
        String at = "writes." + name;
        Map<String, Object> fields;
        String key;
        String record;
        try {
            fields = ConnectorFile.evaluate(write.fields(), on, "", null, List.of());
            key = write.key() == null ? null : write.key().text(on);
            record = write.record() == null ? null : write.record().text(on);
        } catch (EvaluationException e) {
            return Delivery.refused(at + " of " + file.id() + ".yaml: " + e.getMessage());
        }
        if (write.record() != null && (record == null || record.isBlank())) {
            // an opt-out of a contact whose message named no record: there is nothing to update
            return new Delivery(true, "not written: " + at + ".record gives no record id for this " + type);
        }
        if (write.record() == null && (key == null || key.isBlank())) {
            return Delivery.refused(at + ".key of " + file.id() + ".yaml gives nothing for this " + type);
        }
        try {
            if (write.upsertOn() != null) {
                Exchange done = call(component, "upsertSObject", write.object(), fields, Map.of(SalesforceEndpointConfig.SOBJECT_EXT_ID_NAME,
                        write.upsertOn(), SalesforceEndpointConfig.SOBJECT_EXT_ID_VALUE, key));
                return outcome(done, "upserted " + write.object() + " " + write.upsertOn() + "=" + key, write.object());
            }
            if (write.createUnless() != null) {
                String soql = "SELECT Id FROM " + write.object() + " WHERE " + write.createUnless() + " = '" + soqlText(key) + "' LIMIT 1";
                Exchange found = producer.send(component + ":query", e -> e.getMessage().setHeader(SalesforceEndpointConfig.SOBJECT_QUERY, soql));
                if (found.getException() != null) {
                    return failed(found.getException(), write.object());
                }
                JsonNode result = mapper.readTree(found.getMessage().getBody(String.class));
                if (result.path("totalSize").asInt() > 0) {
                    return new Delivery(true, write.object() + " " + write.createUnless() + "=" + key + " is there already ("
                            + result.path("records").path(0).path("Id").asText() + ")");
                }
                Map<String, Object> withKey = new LinkedHashMap<>(fields);
                withKey.put(write.createUnless(), key);
                Exchange done = call(component, "createSObject", write.object(), withKey, Map.of());
                return outcome(done, "created " + write.object() + " " + write.createUnless() + "=" + key, write.object());
            }
            Exchange done = call(component, "updateSObject", write.object(), fields, Map.of(SalesforceEndpointConfig.SOBJECT_ID, record));
            return outcome(done, "updated " + write.object() + " " + record, write.object());
        } catch (JsonProcessingException e) {
            return new Delivery(false, "Salesforce answered what is not JSON: " + e.getOriginalMessage());
        }
    }

    private Exchange call(String component, String operation, String object, Map<String, Object> fields, Map<String, Object> headers)
            throws JsonProcessingException {
        String body = mapper.writeValueAsString(fields);
        return producer.send(component + ":" + operation, e -> {
            e.getMessage().setBody(body);
            e.getMessage().setHeader(SalesforceEndpointConfig.SOBJECT_NAME, object);
            headers.forEach(e.getMessage()::setHeader);
        });
    }

    private static Delivery outcome(Exchange done, String what, String object) {
        return done.getException() == null ? new Delivery(true, what) : failed(done.getException(), object);
    }

    private static Delivery failed(Exception e, String object) {
        SalesforceException salesforce = e instanceof SalesforceException s ? s
                : e.getCause() instanceof SalesforceException s ? s : null;
        if (salesforce != null && (salesforce.getStatusCode() == 400 || salesforce.getStatusCode() == 404)
                && salesforce.getErrors() != null && !salesforce.getErrors().isEmpty()
                && salesforce.getErrors().stream().noneMatch(r -> PASSING.contains(r.getErrorCode()))) {
            String errors = salesforce.getErrors().stream().map(r -> r.getErrorCode() + ": " + r.getMessage()
                    + (r.getFields() == null || r.getFields().isEmpty() ? "" : " " + r.getFields())).collect(Collectors.joining("; "));
            return Delivery.refused("Salesforce refused the " + object + " write (HTTP " + salesforce.getStatusCode() + "): " + errors);
        }
        return new Delivery(false, "Salesforce: " + Causes.rootMessage(e));
    }

    /** A value inside a SOQL string literal: backslashes and quotes escaped. */
    private static String soqlText(String value) {
        return value.replace("\\", "\\\\").replace("'", "\\'");
    }
}
