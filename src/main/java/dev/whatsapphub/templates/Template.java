package dev.whatsapphub.templates;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A message template as the Graph API lists it, with the parameters its components expect
 * worked out once, when it is loaded.
 */
public final class Template {

    private static final Pattern PLACEHOLDER = Pattern.compile("\\{\\{\\s*([A-Za-z0-9_]+)\\s*}}");

    /** A button and whether a send must give it a parameter (URL suffix, coupon code, OTP). */
    public record Button(int index, String type, boolean needsParameter) {
    }

    private final JsonNode graph;
    private final String id;
    private final String name;
    private final String language;
    private final String status;
    private final String category;
    private final boolean named;
    private final JsonNode components;
    private final String headerFormat;
    private final List<String> headerParams;
    private final List<String> bodyParams;
    private final List<Button> buttons;

    private Template(JsonNode graph) {
        this.graph = graph;
        this.id = graph.path("id").asText(null);
        this.name = graph.path("name").asText();
        this.language = graph.path("language").asText();
        this.status = graph.path("status").asText("APPROVED").toUpperCase(Locale.ROOT);
        this.category = graph.path("category").asText(null);
        this.named = "NAMED".equalsIgnoreCase(graph.path("parameter_format").asText("POSITIONAL"));
        this.components = graph.path("components");
        String header = null;
        List<String> headerVars = List.of();
        List<String> bodyVars = List.of();
        List<Button> buttonList = new ArrayList<>();
        for (JsonNode component : components) {
            switch (component.path("type").asText().toUpperCase(Locale.ROOT)) {
                case "HEADER" -> {
                    header = component.path("format").asText("TEXT").toUpperCase(Locale.ROOT);
                    headerVars = placeholders(component.path("text").asText(""));
                }
                case "BODY" -> bodyVars = placeholders(component.path("text").asText(""));
                case "BUTTONS" -> {
                    int index = 0;
                    for (JsonNode button : component.path("buttons")) {
                        String type = button.path("type").asText().toUpperCase(Locale.ROOT);
                        boolean needs = switch (type) {
                            case "URL" -> !placeholders(button.path("url").asText("")).isEmpty();
                            case "COPY_CODE", "OTP" -> true;
                            default -> false;
                        };
                        buttonList.add(new Button(index++, type, needs));
                    }
                }
                default -> { }
            }
        }
        this.headerFormat = header;
        this.headerParams = headerVars;
        this.bodyParams = bodyVars;
        this.buttons = List.copyOf(buttonList);
    }

    public static Template fromGraph(JsonNode graph) {
        return new Template(graph);
    }

    static List<String> placeholders(String text) {
        Set<String> found = new LinkedHashSet<>();
        Matcher m = PLACEHOLDER.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return List.copyOf(found);
    }

    /** The same template with one top-level attribute changed, as a status, quality or category webhook says. */
    public Template with(String attribute, JsonNode value) {
        com.fasterxml.jackson.databind.node.ObjectNode copy = graph.deepCopy();
        copy.set(attribute, value);
        return new Template(copy);
    }

    /** GREEN, YELLOW, RED or UNKNOWN (new templates), as the Graph API or the last quality webhook gave it. */
    public String quality() {
        JsonNode q = graph.path("quality_score");
        String score = q.isObject() ? q.path("score").asText(null) : q.asText(null);
        return score == null ? "UNKNOWN" : score;
    }

    /** The template as the Graph API lists it (with any later webhook changes). */
    public JsonNode graph() { return graph; }

    public String id() { return id; }
    public String name() { return name; }
    public String language() { return language; }
    public String status() { return status; }
    public String category() { return category; }
    public boolean named() { return named; }
    public JsonNode components() { return components; }
    /** TEXT, IMAGE, VIDEO, DOCUMENT, LOCATION, or null without a header. */
    public String headerFormat() { return headerFormat; }
    public List<String> headerParams() { return headerParams; }
    public List<String> bodyParams() { return bodyParams; }
    public List<Button> buttons() { return buttons; }

    public boolean approved() {
        return "APPROVED".equals(status);
    }

    @Override
    public String toString() {
        return name + " (" + language + ", " + status + ")";
    }
}
