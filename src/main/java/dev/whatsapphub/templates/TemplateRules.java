package dev.whatsapphub.templates;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.model.FieldError;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Meta's rules for a new template (the create body of {@code POST /{waba-id}/message_templates}),
 * checked by the hub before it submits one and by the sandbox when it receives one: name,
 * language, category, lengths, placeholders and an example for every variable.
 */
public final class TemplateRules {

    private static final Pattern NAME = Pattern.compile("[a-z0-9_]{1,512}");
    private static final Pattern LANGUAGE = Pattern.compile("[a-z]{2,3}(_[A-Z]{2})?");
    private static final Pattern ANY_PLACEHOLDER = Pattern.compile("\\{\\{\\s*([^}]*?)\\s*}}");
    private static final Pattern NAMED = Pattern.compile("[a-z][a-z0-9_]*");
    private static final Set<String> CATEGORIES = Set.of("UTILITY", "MARKETING", "AUTHENTICATION");
    private static final Set<String> HEADER_FORMATS = Set.of("TEXT", "IMAGE", "VIDEO", "DOCUMENT", "LOCATION");
    private static final Set<String> BUTTON_TYPES = Set.of("QUICK_REPLY", "URL", "PHONE_NUMBER", "COPY_CODE", "OTP", "FLOW",
            "MPM", "CATALOG", "VOICE_CALL");

    private TemplateRules() {
    }

    public static List<FieldError> check(JsonNode t) {
        List<FieldError> errors = new ArrayList<>();
        if (t == null || !t.isObject()) {
            errors.add(new FieldError("$", "a template is a JSON object"));
            return errors;
        }
        String name = t.path("name").asText("");
        if (!NAME.matcher(name).matches()) {
            errors.add(new FieldError("name", "lowercase letters, digits and '_' only, 1 to 512 characters"));
        }
        if (!LANGUAGE.matcher(t.path("language").asText("")).matches()) {
            errors.add(new FieldError("language", "a language code such as en_US or es"));
        }
        if (!CATEGORIES.contains(t.path("category").asText("").toUpperCase(Locale.ROOT))) {
            errors.add(new FieldError("category", "one of " + CATEGORIES));
        }
        String format = t.path("parameter_format").asText("POSITIONAL").toUpperCase(Locale.ROOT);
        if (!Set.of("POSITIONAL", "NAMED").contains(format)) {
            errors.add(new FieldError("parameter_format", "POSITIONAL or NAMED"));
        }
        boolean named = "NAMED".equals(format);
        // authentication templates are Meta's preset: no body text of their own, an OTP button
        boolean authentication = "AUTHENTICATION".equalsIgnoreCase(t.path("category").asText(""));
        JsonNode components = t.path("components");
        if (!components.isArray() || components.isEmpty()) {
            errors.add(new FieldError("components", "a list with at least a BODY component"));
            return errors;
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < components.size(); i++) {
            JsonNode c = components.get(i);
            String type = c.path("type").asText("").toUpperCase(Locale.ROOT);
            String at = "components[" + i + "]";
            if (!seen.add(type)) {
                errors.add(new FieldError(at + ".type", "only one " + type + " component"));
            }
            switch (type) {
                case "HEADER" -> header(c, at, named, errors);
                case "BODY" -> {
                    if (!(authentication && !c.has("text"))) {
                        text(c, at, "BODY", 1024, named, "body_text", "body_text_named_params", true, errors);
                    }
                }
                case "FOOTER" -> {
                    if (authentication && !c.has("text")) {
                        int minutes = c.path("code_expiration_minutes").asInt(0);
                        if (minutes < 1 || minutes > 90) {
                            errors.add(new FieldError(at + ".code_expiration_minutes", "1 to 90 minutes"));
                        }
                    } else {
                        footer(c, at, errors);
                    }
                }
                case "BUTTONS" -> buttons(c, at, errors);
                default -> errors.add(new FieldError(at + ".type", "HEADER, BODY, FOOTER or BUTTONS, not '" + c.path("type").asText() + "'"));
            }
        }
        if (!seen.contains("BODY")) {
            errors.add(new FieldError("components", "a template needs a BODY component"));
        }
        return errors;
    }

    private static void footer(JsonNode c, String at, List<FieldError> errors) {
        String footer = c.path("text").asText("");
        if (footer.isEmpty() || footer.length() > 60) {
            errors.add(new FieldError(at + ".text", "a footer is 1 to 60 characters"));
        }
        if (ANY_PLACEHOLDER.matcher(footer).find()) {
            errors.add(new FieldError(at + ".text", "a footer cannot have variables"));
        }
    }

    private static void header(JsonNode c, String at, boolean named, List<FieldError> errors) {
        String format = c.path("format").asText("").toUpperCase(Locale.ROOT);
        if (!HEADER_FORMATS.contains(format)) {
            errors.add(new FieldError(at + ".format", "one of " + HEADER_FORMATS));
        } else if ("TEXT".equals(format)) {
            text(c, at, "HEADER", 60, named, "header_text", "header_text_named_params", false, errors);
            if (variables(c.path("text").asText("")).size() > 1) {
                errors.add(new FieldError(at + ".text", "a text header has at most one variable"));
            }
        } else if (!"LOCATION".equals(format) && !c.path("example").path("header_handle").isArray()) {
            errors.add(new FieldError(at + ".example.header_handle", "a " + format + " header needs an example (a media handle or link)"));
        }
    }

    private static void text(JsonNode c, String at, String what, int max, boolean named, String positionalExample,
                             String namedExample, boolean body, List<FieldError> errors) {
        String text = c.path("text").asText("");
        if (text.isEmpty() || text.length() > max) {
            errors.add(new FieldError(at + ".text", "the " + what.toLowerCase(Locale.ROOT) + " text is 1 to " + max + " characters"));
            return;
        }
        List<String> vars = variables(text);
        for (String v : vars) {
            boolean ok = named ? NAMED.matcher(v).matches() : v.matches("[1-9][0-9]*");
            if (!ok) {
                errors.add(new FieldError(at + ".text", "'{{" + v + "}}': " + (named
                        ? "named variables are lowercase letters, digits and '_', starting with a letter"
                        : "positional variables are {{1}}, {{2}}, ... (or set parameter_format NAMED)")));
            }
        }
        if (!named) {
            for (int i = 0; i < vars.size(); i++) {
                if (!vars.get(i).equals(String.valueOf(i + 1))) {
                    errors.add(new FieldError(at + ".text", "positional variables must run {{1}}, {{2}}, ... in order without gaps"));
                    break;
                }
            }
        }
        if (text.matches("(?s)^\\s*\\{\\{.*") || text.matches("(?s).*}}\\s*$")) {
            if (body && !vars.isEmpty()) {
                errors.add(new FieldError(at + ".text", "the body cannot start or end with a variable"));
            }
        }
        if (text.matches("(?s).*}}\\s*\\{\\{.*")) {
            errors.add(new FieldError(at + ".text", "two variables cannot be next to each other"));
        }
        if (vars.isEmpty()) {
            return;
        }
        JsonNode example = c.path("example");
        if (named) {
            Set<String> given = new HashSet<>();
            example.path(namedExample).forEach(p -> given.add(p.path("param_name").asText()));
            for (String v : vars) {
                if (!given.contains(v)) {
                    errors.add(new FieldError(at + ".example." + namedExample, "give an example for {{" + v + "}}"));
                }
            }
        } else {
            JsonNode values = example.path(positionalExample);
            JsonNode row = body ? values.path(0) : values;
            if (!row.isArray() || row.size() != vars.size()) {
                errors.add(new FieldError(at + ".example." + positionalExample,
                        "give one example per variable (" + vars.size() + ")" + (body ? ", as [[...]]" : "")));
            }
        }
    }

    private static void buttons(JsonNode c, String at, List<FieldError> errors) {
        JsonNode buttons = c.path("buttons");
        if (!buttons.isArray() || buttons.isEmpty() || buttons.size() > 10) {
            errors.add(new FieldError(at + ".buttons", "1 to 10 buttons"));
            return;
        }
        for (int i = 0; i < buttons.size(); i++) {
            JsonNode b = buttons.get(i);
            String bt = at + ".buttons[" + i + "]";
            String type = b.path("type").asText("").toUpperCase(Locale.ROOT);
            if (!BUTTON_TYPES.contains(type)) {
                errors.add(new FieldError(bt + ".type", "one of " + BUTTON_TYPES));
            }
            if ("OTP".equals(type) && !Set.of("COPY_CODE", "ONE_TAP", "ZERO_TAP").contains(b.path("otp_type").asText("").toUpperCase(Locale.ROOT))) {
                errors.add(new FieldError(bt + ".otp_type", "COPY_CODE, ONE_TAP or ZERO_TAP"));
            }
            if (!"COPY_CODE".equals(type) && !"OTP".equals(type) && (b.path("text").asText("").isEmpty() || b.path("text").asText().length() > 25)) {
                errors.add(new FieldError(bt + ".text", "a button label is 1 to 25 characters"));
            }
            if ("URL".equals(type)) {
                List<String> vars = variables(b.path("url").asText(""));
                if (!b.path("url").asText("").matches("https?://.+")) {
                    errors.add(new FieldError(bt + ".url", "an http(s) URL"));
                } else if (vars.size() > 1 || !vars.isEmpty() && !b.path("url").asText().endsWith("{{1}}")) {
                    errors.add(new FieldError(bt + ".url", "at most one variable, {{1}}, at the end of the URL"));
                } else if (!vars.isEmpty() && !b.path("example").isArray()) {
                    errors.add(new FieldError(bt + ".example", "give an example URL for {{1}}"));
                }
            }
        }
    }

    static List<String> variables(String text) {
        List<String> found = new ArrayList<>();
        Matcher m = ANY_PLACEHOLDER.matcher(text);
        while (m.find()) {
            found.add(m.group(1));
        }
        return found;
    }
}
