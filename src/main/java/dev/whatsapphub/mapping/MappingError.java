package dev.whatsapphub.mapping;

/** What is wrong in a routes file, where (line from 1, 0 when unknown; field as a path) and the rule. */
public record MappingError(String file, int line, String field, String rule) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + (field == null || field.isEmpty() ? "" : " " + field) + ": " + rule;
    }
}
