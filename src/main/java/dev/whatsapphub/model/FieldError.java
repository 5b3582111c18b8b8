package dev.whatsapphub.model;

/** One thing wrong with a request: where ({@code field}, as a JSON path) and which rule it breaks. */
public record FieldError(String field, String rule) {
}
