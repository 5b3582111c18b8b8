package dev.whatsapphub.templates;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Checks the Meta-shaped {@code components} of a template send against the template: the
 * check both the hub (at acceptance) and the sandbox (as Meta would) run.
 */
public final class TemplateCheck {

    private static final Set<String> BODY_TYPES = Set.of("text", "currency", "date_time");

    private TemplateCheck() {
    }

    public static List<TemplateMismatch> check(Template template, JsonNode components) {
        List<TemplateMismatch> problems = new ArrayList<>();
        JsonNode header = null;
        JsonNode body = null;
        Map<Integer, JsonNode> buttons = new HashMap<>();
        int position = 0;
        for (JsonNode component : components) {
            String type = component.path("type").asText().toLowerCase(Locale.ROOT);
            String field = "components[" + position++ + "]";
            switch (type) {
                case "header" -> header = component;
                case "body" -> body = component;
                case "button" -> {
                    JsonNode index = component.path("index");
                    int i = index.isNumber() ? index.asInt() : parseIndex(index.asText());
                    if (i < 0) {
                        problems.add(new TemplateMismatch(131008, field + ".index", "a button component needs its 0-based index"));
                    } else {
                        buttons.put(i, component);
                    }
                }
                default -> problems.add(new TemplateMismatch(131009, field + ".type",
                        "must be header, body or button, not '" + component.path("type").asText() + "'"));
            }
        }
        checkHeader(template, header, problems);
        checkBody(template, body, problems);
        checkButtons(template, buttons, problems);
        return problems;
    }

    private static void checkHeader(Template template, JsonNode header, List<TemplateMismatch> problems) {
        JsonNode params = header == null ? null : header.path("parameters");
        int given = params == null ? 0 : params.size();
        String format = template.headerFormat();
        if (format == null || "TEXT".equals(format)) {
            int expected = template.headerParams().size();
            if (given != expected) {
                problems.add(new TemplateMismatch(132000, "header",
                        "header: number of parameters (" + given + ") does not match the expected number of params (" + expected + ")"));
            }
            return;
        }
        String kind = format.toLowerCase(Locale.ROOT);
        if (given != 1) {
            problems.add(new TemplateMismatch(131008, "header",
                    "the template has a " + format + " header: give exactly one " + kind + " parameter"));
        } else if (!kind.equals(params.get(0).path("type").asText().toLowerCase(Locale.ROOT))) {
            problems.add(new TemplateMismatch(132012, "header.parameters[0].type",
                    "the template has a " + format + " header: the parameter must be of type " + kind));
        } else if (!"location".equals(kind)) {
            JsonNode media = params.get(0).path(kind);
            if (media.hasNonNull("id") == media.hasNonNull("link")) {
                problems.add(new TemplateMismatch(131009, "header.parameters[0]." + kind, "give exactly one of 'id' or 'link'"));
            }
        }
    }

    private static void checkBody(Template template, JsonNode body, List<TemplateMismatch> problems) {
        JsonNode params = body == null ? null : body.path("parameters");
        int given = params == null ? 0 : params.size();
        int expected = template.bodyParams().size();
        if (given != expected) {
            problems.add(new TemplateMismatch(132000, "body",
                    "body: number of parameters (" + given + ") does not match the expected number of params (" + expected + ")"));
            return;
        }
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < given; i++) {
            JsonNode p = params.get(i);
            String type = p.path("type").asText().toLowerCase(Locale.ROOT);
            String field = "body.parameters[" + i + "]";
            if (!BODY_TYPES.contains(type)) {
                problems.add(new TemplateMismatch(132012, field + ".type", "body parameters are text, currency or date_time, not '" + type + "'"));
            } else if ("text".equals(type) && p.path("text").asText("").isBlank()) {
                problems.add(new TemplateMismatch(131008, field + ".text", "Parameter of type text is missing text value"));
            }
            if (template.named()) {
                names.add(p.path("parameter_name").asText(""));
            }
        }
        if (template.named() && !names.equals(new LinkedHashSet<>(template.bodyParams()))) {
            problems.add(new TemplateMismatch(132012, "body",
                    "the template takes named parameters " + template.bodyParams() + ", the send names " + names));
        }
    }

    private static void checkButtons(Template template, Map<Integer, JsonNode> given, List<TemplateMismatch> problems) {
        for (Template.Button button : template.buttons()) {
            JsonNode component = given.remove(button.index());
            int count = component == null ? 0 : component.path("parameters").size();
            if (button.needsParameter() && count != 1) {
                problems.add(new TemplateMismatch(131008, "button[" + button.index() + "]",
                        "button " + button.index() + " (" + button.type() + ") needs exactly one parameter"
                                + ("URL".equals(button.type()) ? ": the URL suffix" : "")));
            }
        }
        for (Integer extra : given.keySet()) {
            problems.add(new TemplateMismatch(131009, "button[" + extra + "]",
                    "the template has no button with index " + extra + " that takes a parameter"));
        }
    }

    private static int parseIndex(String text) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
