package dev.whatsapphub.folder;

/** What is wrong in an operator's file, where (line from 1, 0 when unknown; field as a path) and the rule. */
public record FileProblem(String file, int line, String field, String rule) {

    @Override
    public String toString() {
        return file + (line > 0 ? ":" + line : "") + (field == null || field.isEmpty() ? "" : " " + field) + ": " + rule;
    }
}
