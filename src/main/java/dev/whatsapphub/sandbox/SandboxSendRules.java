package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.whatsapphub.templates.Template;
import dev.whatsapphub.templates.TemplateCheck;
import dev.whatsapphub.templates.TemplateMismatch;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The checks Meta makes on {@code POST /{phone-number-id}/messages} before it answers, with
 * Meta's codes. Lenient where real clients differ (case of component types, nulls, voice flags).
 */
final class SandboxSendRules {

    /** Why a send is refused: a Cloud API code and the details Meta would give. */
    record Refusal(int code, String details) {
    }

    static final Set<String> TYPES = Set.of("text", "image", "video", "audio", "document", "sticker", "location",
            "contacts", "interactive", "template", "reaction");
    private static final Set<String> MEDIA = Set.of("image", "video", "audio", "document", "sticker");

    private SandboxSendRules() {
    }

    /** {@code recipient}: the phone number (digits) or, with {@code toUserId}, the business-scoped user id sent to. */
    static Optional<Refusal> check(JsonNode body, String recipient, boolean toUserId, String wabaId, SandboxState state) {
        if (!"whatsapp".equals(body.path("messaging_product").asText())) {
            return refuse(100, "The parameter messaging_product is required and must be 'whatsapp'.");
        }
        if (recipient == null) {
            return refuse(100, "The parameter to is required and must be a phone number in international format"
                    + " (or recipient, a business-scoped user id).");
        }
        String type = body.path("type").asText("text").toLowerCase(Locale.ROOT);
        if (!TYPES.contains(type)) {
            return refuse(100, "Param type must be one of {" + String.join(", ", TYPES) + "} - got \"" + type + "\".");
        }
        JsonNode content = body.get(type);
        if (content == null || content.isNull()) {
            return refuse(100, "Parameter '" + type + "' is mandatory for type '" + type + "'");
        }
        return switch (type) {
            case "text" -> text(content);
            case "template" -> template(content, wabaId, state).or(() -> toUserId ? authenticationToUserId(content, wabaId, state)
                    : Optional.empty());
            case "reaction" -> content.hasNonNull("message_id") ? Optional.empty()
                    : refuse(131008, "Parameter 'message_id' is mandatory for type 'reaction'");
            case "location" -> content.has("latitude") && content.has("longitude") ? Optional.empty()
                    : refuse(131008, "Parameters latitude and longitude are mandatory for type 'location'");
            case "interactive" -> content.hasNonNull("type") ? Optional.empty()
                    : refuse(131008, "Parameter 'interactive.type' is mandatory");
            default -> MEDIA.contains(type) ? media(type, content) : Optional.empty();
        };
    }

    private static Optional<Refusal> text(JsonNode text) {
        String body = text.path("body").asText("");
        if (body.isEmpty()) {
            return refuse(131008, "Parameter of type text is missing text value");
        }
        if (body.length() > 4096) {
            return refuse(100, "Param text['body'] must be at most 4096 characters long.");
        }
        return Optional.empty();
    }

    private static Optional<Refusal> media(String type, JsonNode media) {
        if (media.hasNonNull("id") == media.hasNonNull("link")) {
            return refuse(131009, "Exactly one of '" + type + ".id' or '" + type + ".link' is required");
        }
        if (media.path("caption").asText("").length() > 1024) {
            return refuse(100, "Param " + type + "['caption'] must be at most 1024 characters long.");
        }
        return Optional.empty();
    }

    private static Optional<Refusal> template(JsonNode spec, String wabaId, SandboxState state) {
        String name = spec.path("name").asText("");
        JsonNode language = spec.path("language");
        String code = language.isTextual() ? language.asText() : language.path("code").asText("");
        if (name.isEmpty() || code.isEmpty()) {
            return refuse(131008, "Parameters template.name and template.language.code are required");
        }
        Optional<Template> found = state.template(wabaId, name, code);
        if (found.isEmpty() || "PENDING".equals(found.get().status()) || "REJECTED".equals(found.get().status())) {
            return refuse(132001, "template name (" + name + ") does not exist in " + code);
        }
        Template template = found.get();
        if ("PAUSED".equals(template.status())) {
            return refuse(132015, "Template " + name + " (" + code + ") is paused because of low quality.");
        }
        if (!template.approved()) {
            return refuse(132016, "Template " + name + " (" + code + ") is " + template.status().toLowerCase(Locale.ROOT) + ".");
        }
        JsonNode components = spec.path("components");
        List<TemplateMismatch> mismatches = TemplateCheck.check(template,
                components.isArray() ? components : JsonNodeFactory.instance.arrayNode());
        if (!mismatches.isEmpty()) {
            TemplateMismatch first = mismatches.get(0);
            return refuse(first.code(), first.rule());
        }
        return Optional.empty();
    }

    /** Meta's one-tap, zero-tap and copy-code templates cannot go to a user id. */
    private static Optional<Refusal> authenticationToUserId(JsonNode spec, String wabaId, SandboxState state) {
        JsonNode language = spec.path("language");
        String code = language.isTextual() ? language.asText() : language.path("code").asText("");
        return state.template(wabaId, spec.path("name").asText(""), code)
                .filter(t -> "AUTHENTICATION".equalsIgnoreCase(t.category()))
                .flatMap(t -> refuse(131062, "Business-scoped User ID (BSUID) recipients are not supported for this message."));
    }

    private static Optional<Refusal> refuse(int code, String details) {
        return Optional.of(new Refusal(code, details));
    }
}
