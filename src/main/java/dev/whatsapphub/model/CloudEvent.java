package dev.whatsapphub.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.model.FieldError;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A CloudEvents 1.0 event in its JSON (structured) form. The attribute rules are few and fixed
 * by the spec and are checked here rather than with the CloudEvents SDK: its JSON format reader
 * stops at the first problem with a message that names no attribute, and the hub's errors list
 * every attribute and rule.
 */
public record CloudEvent(String id, String source, String type, String subject, String time, JsonNode data, ObjectNode json) {

    private static final Set<String> REQUIRED = Set.of("specversion", "id", "source", "type");
    private static final Pattern EXTENSION_NAME = Pattern.compile("[a-z0-9]{1,20}");
    private static final Set<String> CONTEXT = Set.of("specversion", "id", "source", "type", "subject", "time",
            "datacontenttype", "dataschema", "data", "data_base64");

    /** The idempotency key of the event: source and id together. */
    public String key() {
        return source + "#" + id;
    }

    /** Reads one structured-mode event; {@code at} prefixes field names (for batches). */
    public static CloudEvent parse(JsonNode node, String at, List<FieldError> errors) {
        if (node == null || !node.isObject()) {
            errors.add(new FieldError(at.isEmpty() ? "$" : at, "a CloudEvent must be a JSON object"));
            return null;
        }
        int before = errors.size();
        String prefix = at.isEmpty() ? "" : at + ".";
        for (String name : REQUIRED) {
            JsonNode value = node.get(name);
            if (value == null || !value.isTextual() || value.asText().isEmpty()) {
                errors.add(new FieldError(prefix + name, "is required by CloudEvents 1.0 and must be a non-empty string"));
            }
        }
        for (var limit : java.util.Map.of("id", 512, "source", 1024, "type", 512, "subject", 1024).entrySet()) {
            if (node.path(limit.getKey()).asText("").length() > limit.getValue()) {
                errors.add(new FieldError(prefix + limit.getKey(), "at most " + limit.getValue() + " characters"));
            }
        }
        if (node.path("specversion").isTextual() && !"1.0".equals(node.path("specversion").asText())) {
            errors.add(new FieldError(prefix + "specversion", "must be \"1.0\" (got \"" + node.path("specversion").asText() + "\")"));
        }
        JsonNode time = node.get("time");
        if (time != null && !time.isNull()) {
            try {
                OffsetDateTime.parse(time.asText());
            } catch (DateTimeParseException e) {
                errors.add(new FieldError(prefix + "time", "must be an RFC 3339 timestamp such as 2026-11-20T10:00:00Z"));
            }
        }
        JsonNode contentType = node.get("datacontenttype");
        if (contentType != null && !contentType.asText().toLowerCase().contains("json")) {
            errors.add(new FieldError(prefix + "datacontenttype", "the hub maps JSON data only (application/json), not " + contentType.asText()));
        }
        for (Iterator<String> names = node.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!CONTEXT.contains(name) && !EXTENSION_NAME.matcher(name).matches()) {
                errors.add(new FieldError(prefix + name, "extension attribute names are lowercase letters and digits, at most 20"));
            }
        }
        if (node.has("data_base64")) {
            errors.add(new FieldError(prefix + "data_base64", "the hub maps JSON data only; send it as 'data'"));
        }
        if (errors.size() > before) {
            return null;
        }
        return new CloudEvent(node.get("id").asText(), node.get("source").asText(), node.get("type").asText(),
                node.path("subject").asText(null), time == null ? null : time.asText(null),
                node.has("data") ? node.get("data") : JsonNodeFactory.instance.nullNode(), (ObjectNode) node.deepCopy());
    }

    /**
     * Binary mode (HTTP): the attributes are {@code ce-*} headers and the body is the data.
     * Turned into the structured form, so everything downstream sees one shape.
     */
    public static ObjectNode fromBinary(Map<String, String> ceHeaders, String contentType, JsonNode body) {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        ceHeaders.forEach((name, value) -> json.put(name.substring(3).toLowerCase(), value));
        if (contentType != null) {
            json.put("datacontenttype", contentType);
        }
        json.set("data", body);
        return json;
    }

    /** Several events from a batch body, each checked; errors name the position. */
    public static List<CloudEvent> parseBatch(JsonNode body, List<FieldError> errors) {
        List<CloudEvent> events = new ArrayList<>();
        if (body == null || !body.isArray()) {
            errors.add(new FieldError("$", "a CloudEvents batch must be a JSON array of events"));
            return events;
        }
        for (int i = 0; i < body.size(); i++) {
            CloudEvent e = parse(body.get(i), "[" + i + "]", errors);
            if (e != null) {
                events.add(e);
            }
        }
        return events;
    }

    /** The event's data as plain Java maps and lists, the body Simple expressions navigate. */
    public Object dataAsJava(ObjectMapper mapper) {
        return mapper.convertValue(data, Object.class);
    }
}
