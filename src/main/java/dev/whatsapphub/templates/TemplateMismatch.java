package dev.whatsapphub.templates;

/**
 * One way a template send does not fit its template. {@code code} is the Cloud API error code
 * Meta would answer with; {@code field} is the place in the send, as the hub's API names it.
 */
public record TemplateMismatch(int code, String field, String rule) {
}
