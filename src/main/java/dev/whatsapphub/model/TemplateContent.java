package dev.whatsapphub.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.templates.Template;
import dev.whatsapphub.templates.TemplateCheck;
import dev.whatsapphub.templates.TemplateMismatch;
import dev.whatsapphub.templates.TemplateRegistry;
import java.util.Iterator;
import java.util.Map;

/**
 * Turns the {@code template} of a send request into Meta's template object and checks it
 * against the template registry: name, language, status and parameters.
 */
final class TemplateContent {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private TemplateContent() {
    }

    static ObjectNode build(JsonNode spec, String wabaId, TemplateRegistry registry, Checks checks) {
        int before = checks.errors().size();
        String name = checks.text(spec, "name", "template.name", 512, true);
        String language = languageOf(spec, checks);
        if (name != null && !name.matches("[a-z0-9_]+")) {
            checks.add("template.name", "must use lowercase letters, digits and underscores only");
        }
        boolean hasComponents = spec.hasNonNull("components");
        boolean hasParameters = spec.hasNonNull("parameters");
        if (hasComponents && hasParameters) {
            checks.add("template", "give either 'components' (Meta's form) or 'parameters' (body only), not both");
        }
        if (name == null || language == null || checks.errors().size() > before) {
            return null;
        }
        if (registry.syncedAt(wabaId).isEmpty()) {
            throw new TemplatesNotLoadedException(wabaId);
        }
        Template template = registry.find(wabaId, name, language).orElse(null);
        if (template == null) {
            var languages = registry.languagesOf(wabaId, name);
            checks.add("template", "template '" + name + "' does not exist in language '" + language + "'"
                    + (languages.isEmpty() ? " (no template of that name in WABA " + wabaId + ")" : "; it exists in " + languages));
            return null;
        }
        if (!template.approved()) {
            checks.add("template", "template '" + name + "' (" + language + ") is " + template.status()
                    + ": only APPROVED templates can be sent");
            return null;
        }
        ArrayNode components = hasComponents ? components(spec.get("components"), checks) : fromParameters(spec.get("parameters"), template, checks);
        if (components == null) {
            return null;
        }
        for (TemplateMismatch m : TemplateCheck.check(template, components)) {
            checks.add("template." + m.field(), "template '" + name + "' (" + language + "): " + m.rule());
        }
        ObjectNode out = JSON.objectNode();
        out.put("name", name);
        out.putObject("language").put("policy", "deterministic").put("code", language);
        if (!components.isEmpty()) {
            out.set("components", components);
        }
        return out;
    }

    /** The language code the request names, or "" when it names none. */
    static String language(JsonNode spec) {
        JsonNode language = spec.get("language");
        if (language != null && language.isObject()) {
            language = language.get("code");
        }
        return language != null && language.isTextual() ? language.asText() : "";
    }

    private static String languageOf(JsonNode spec, Checks checks) {
        JsonNode language = spec.get("language");
        if (language != null && language.isObject()) {
            language = language.get("code");
        }
        if (language == null || !language.isTextual() || language.asText().isBlank()) {
            checks.add("template.language", "is required: a language code such as en_US or es");
            return null;
        }
        return language.asText();
    }

    private static ArrayNode components(JsonNode components, Checks checks) {
        if (!components.isArray()) {
            checks.add("template.components", "must be a list of header, body and button components");
            return null;
        }
        return (ArrayNode) components.deepCopy();
    }

    /** {@code parameters} fill the body: a list for positional templates, an object for named ones. */
    private static ArrayNode fromParameters(JsonNode parameters, Template template, Checks checks) {
        ArrayNode components = JSON.arrayNode();
        if (parameters == null || parameters.isEmpty()) {
            return components;
        }
        ArrayNode body = components.addObject().put("type", "body").putArray("parameters");
        if (parameters.isArray() && !template.named()) {
            for (JsonNode value : parameters) {
                body.add(parameter(value));
            }
        } else if (parameters.isObject() && template.named()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = parameters.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                body.add(parameter(e.getValue()).put("parameter_name", e.getKey()));
            }
        } else {
            checks.add("template.parameters", "template '" + template.name() + "' (" + template.language() + ") takes "
                    + (template.named() ? "named parameters " + template.bodyParams() + ": give an object" : "positional parameters: give a list"));
            return null;
        }
        return components;
    }

    private static ObjectNode parameter(JsonNode value) {
        if (value.isObject() && value.has("type")) {
            return (ObjectNode) value.deepCopy();
        }
        return JSON.objectNode().put("type", "text").put("text", value.asText());
    }
}
