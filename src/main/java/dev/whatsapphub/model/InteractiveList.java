package dev.whatsapphub.model;

import com.fasterxml.jackson.databind.JsonNode;

/** Limits of an interactive list message (contract section 2.3). */
final class InteractiveList {

    private InteractiveList() {
    }

    static void check(JsonNode action, Checks checks) {
        checks.text(action, "button", "interactive.action.button", 20, true);
        JsonNode sections = action.path("sections");
        if (!sections.isArray() || sections.isEmpty() || sections.size() > 10) {
            checks.add("interactive.action.sections", "must hold 1 to 10 sections");
            return;
        }
        int rows = 0;
        for (int s = 0; s < sections.size(); s++) {
            JsonNode section = sections.get(s);
            String field = "interactive.action.sections[" + s + "]";
            checks.text(section, "title", field + ".title", 24, sections.size() > 1);
            JsonNode sectionRows = section.path("rows");
            for (int r = 0; r < sectionRows.size(); r++) {
                JsonNode row = sectionRows.get(r);
                String rowField = field + ".rows[" + r + "]";
                checks.text(row, "id", rowField + ".id", 200, true);
                checks.text(row, "title", rowField + ".title", 24, true);
                checks.text(row, "description", rowField + ".description", 72, false);
            }
            rows += sectionRows.size();
        }
        if (rows == 0 || rows > 10) {
            checks.add("interactive.action.sections", "must hold 1 to 10 rows across all sections (has " + rows + ")");
        }
    }
}
