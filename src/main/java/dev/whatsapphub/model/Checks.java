package dev.whatsapphub.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/** Collects every problem of one request, so that the caller learns them all at once. */
final class Checks {

    private final List<FieldError> errors = new ArrayList<>();

    void add(String field, String rule) {
        errors.add(new FieldError(field, rule));
    }

    boolean ok() {
        return errors.isEmpty();
    }

    List<FieldError> errors() {
        return errors;
    }

    /** A required string of 1..max characters; returns null (and records why) if it is not one. */
    String text(JsonNode parent, String name, String field, int max, boolean required) {
        JsonNode node = parent.get(name);
        if (node == null || node.isNull()) {
            if (required) {
                add(field, "is required");
            }
            return null;
        }
        if (!node.isTextual()) {
            add(field, "must be a string");
            return null;
        }
        String value = node.asText();
        if (required && value.isEmpty()) {
            add(field, "must not be empty");
        } else if (value.length() > max) {
            add(field, "must be at most " + max + " characters (is " + value.length() + ")");
        }
        return value;
    }

    /** Length limit on an optional nested text, for pass-through payloads. */
    void maxLength(JsonNode node, String field, int max) {
        if (node != null && node.isTextual() && node.asText().length() > max) {
            add(field, "must be at most " + max + " characters (is " + node.asText().length() + ")");
        }
    }

    void fail() {
        if (!errors.isEmpty()) {
            throw new InvalidMessageException(errors);
        }
    }
}
