package dev.whatsapphub.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.contact.ContactStore;
import dev.whatsapphub.contact.Identity;
import dev.whatsapphub.templates.TemplateRegistry;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.springframework.stereotype.Component;

/**
 * Validates a send request and builds the Cloud API payload, or fails with every problem found.
 * Nothing is stored or queued before this has passed.
 */
@Component
public class MessageFactory {

    static final List<String> CONTENT_KINDS = List.of("template", "text", "media", "interactive", "reaction", "location");
    private static final Set<String> FIELDS = Set.of("to", "from", "template", "text", "media", "interactive", "reaction",
            "location", "idempotency_key", "reply_to", "metadata", "fallback_template", "window_check", "callback_url");
    private static final int MAX_METADATA_CHARS = 4096;

    private final HubProperties properties;
    private final TemplateRegistry templates;
    private final ContactStore contacts;

    public MessageFactory(HubProperties properties, TemplateRegistry templates, ContactStore contacts) {
        this.properties = properties;
        this.templates = templates;
        this.contacts = contacts;
    }

    public AcceptedMessage accept(String id, JsonNode request) {
        Checks checks = new Checks();
        if (request == null || !request.isObject()) {
            checks.add("$", "the body must be a JSON object");
            checks.fail();
        }
        for (Iterator<String> names = request.fieldNames(); names.hasNext(); ) {
            String name = names.next();
            if (!FIELDS.contains(name)) {
                checks.add(name, "is not a field of a message (known: " + String.join(", ", FIELDS.stream().sorted().toList()) + ")");
            }
        }
        String recipient = recipient(request, checks);
        String senderAlias = sender(request, checks);
        String idempotencyKey = checks.text(request, "idempotency_key", "idempotency_key", 255, false);
        String replyTo = checks.text(request, "reply_to", "reply_to", 512, false);
        String callbackUrl = checks.text(request, "callback_url", "callback_url", 2048, false);
        if (callbackUrl != null && !callbackUrl.matches("(?i)https?://[^\\s/]+(/\\S*)?")) {
            checks.add("callback_url", "must be an http or https URL");
        }
        JsonNode metadata = request.get("metadata");
        if (metadata != null && !metadata.isNull() && (!metadata.isObject() || metadata.toString().length() > MAX_METADATA_CHARS)) {
            checks.add("metadata", "must be a JSON object of at most " + MAX_METADATA_CHARS + " characters");
        }
        List<String> kinds = CONTENT_KINDS.stream().filter(request::hasNonNull).toList();
        if (kinds.size() != 1) {
            checks.add(kinds.isEmpty() ? "$" : String.join(",", kinds),
                    "give exactly one of " + String.join(", ", CONTENT_KINDS) + (kinds.isEmpty() ? "" : " (got " + kinds.size() + ")"));
            checks.fail();
        }
        String kind = kinds.get(0);
        JsonNode spec = request.get(kind);
        if (!spec.isObject()) {
            checks.add(kind, "must be a JSON object");
            checks.fail();
        }
        Sender sender = senderAlias == null ? null : properties.senders().get(senderAlias);
        ObjectNode content = switch (kind) {
            case "template" -> sender == null ? null : TemplateContent.build(spec, sender.wabaId(), templates, checks);
            case "text" -> ContentRules.text(spec, checks);
            case "media" -> ContentRules.media(spec, checks);
            case "interactive" -> ContentRules.interactive(spec, checks);
            case "reaction" -> ContentRules.reaction(spec, checks);
            default -> ContentRules.location(spec, checks);
        };
        boolean toUserId = recipient != null && Identity.USER_ID.matcher(recipient).matches();
        if (toUserId && "template".equals(kind) && sender != null) {
            authenticationToUserId(spec, sender, checks);
        }
        boolean checkWindow = windowCheck(request, checks);
        ObjectNode fallback = fallbackTemplate(request, kind, sender, toUserId, checks);
        checks.fail();
        String type = "media".equals(kind) ? spec.get("kind").asText() : kind;
        if ("template".equals(type) && sender != null) {
            tagQuickReplies(content, spec, sender, id);
        }
        if (fallback != null) {
            tagQuickReplies(fallback, request.get("fallback_template"), sender, id);
        }
        // a user id goes as Meta's "recipient", unless the hub knows the phone number: then "to", which Meta prefers
        String knownPhone = toUserId && sender != null
                ? contacts.byUserId(sender.wabaId(), recipient).map(c -> c.waId()).orElse(null) : null;
        String to = toUserId ? (knownPhone == null ? null : "+" + knownPhone) : recipient;
        ObjectNode payload = payload(id, to, recipient, type, content, replyTo);
        ObjectNode fallbackPayload = fallback == null ? null : payload(id, to, recipient, "template", fallback, null);
        return new AcceptedMessage(id, senderAlias, recipient, type, payload,
                metadata == null || metadata.isNull() ? null : metadata, idempotencyKey, fallbackPayload, null, null,
                checkWindow && !"template".equals(type), callbackUrl);
    }

    /** Prefix of the quick-reply payloads the hub sets: a tap names the message it answers even without Meta's context. */
    public static final String QUICK_REPLY_TAG = "h1.";

    /**
     * Gives every quick-reply button of the template a payload {@code h1.<message id>.<the client's
     * payload>}: Meta returns it with the tap, and the hub gives the client its own payload back.
     */
    private void tagQuickReplies(ObjectNode content, JsonNode spec, Sender sender, String id) {
        var template = templates.find(sender.wabaId(), spec.path("name").asText(""), TemplateContent.language(spec)).orElse(null);
        if (template == null) {
            return;
        }
        var components = content.withArray("components");
        for (var button : template.buttons()) {
            if (!"QUICK_REPLY".equals(button.type())) {
                continue;
            }
            ObjectNode given = null;
            for (JsonNode c : components) {
                if ("button".equalsIgnoreCase(c.path("type").asText()) && c.path("index").asText().equals(Integer.toString(button.index()))) {
                    given = (ObjectNode) c;
                }
            }
            if (given == null) {
                given = components.addObject().put("type", "button").put("sub_type", "quick_reply").put("index", Integer.toString(button.index()));
                given.putArray("parameters").addObject().put("type", "payload").put("payload", "");
            }
            for (JsonNode p : given.path("parameters")) {
                if ("payload".equals(p.path("type").asText())) {
                    ((ObjectNode) p).put("payload", QUICK_REPLY_TAG + id + "." + p.path("payload").asText(""));
                }
            }
        }
    }

    /** The Cloud API body of one message: to {@code to} (a phone number), else to the user id {@code recipient}. */
    private static ObjectNode payload(String id, String to, String recipient, String type, ObjectNode content, String replyTo) {
        ObjectNode payload = JsonNodeFactory.instance.objectNode()
                .put("messaging_product", "whatsapp")
                .put("recipient_type", "individual");
        if (to == null) {
            payload.put("recipient", recipient);
        } else {
            payload.put("to", to);
        }
        payload.put("type", type);
        payload.set(type, content);
        if (replyTo != null) {
            payload.putObject("context").put("message_id", replyTo);
        }
        // Meta echoes this in every status webhook: statuses find their message even before the wamid is stored.
        payload.put("biz_opaque_callback_data", id);
        return payload;
    }

    /**
     * A message that replaces {@code original} after Meta failed it with 131047: its stored
     * fallback template, under a new id.
     */
    public AcceptedMessage fallbackFor(String id, String originalId, String sender, String recipient, ObjectNode fallbackPayload,
                                       JsonNode metadata, String callbackUrl) {
        ObjectNode payload = fallbackPayload.deepCopy();
        payload.put("biz_opaque_callback_data", id);
        return new AcceptedMessage(id, sender, recipient, "template", payload, metadata, "fallback:" + originalId, null, "131047",
                originalId, false, callbackUrl);
    }

    private void authenticationToUserId(JsonNode template, Sender sender, Checks checks) {
        templates.find(sender.wabaId(), template.path("name").asText(""), TemplateContent.language(template))
                .filter(t -> "AUTHENTICATION".equalsIgnoreCase(t.category()))
                .ifPresent(t -> checks.add("to", "an authentication template cannot go to a user id (Meta answers 131062):"
                        + " send it to the customer's phone number"));
    }

    /** {@code window_check}: true unless the client says false (the customer wrote before the hub knew). */
    private static boolean windowCheck(JsonNode request, Checks checks) {
        JsonNode value = request.get("window_check");
        if (value == null || value.isNull()) {
            return true;
        }
        if (!value.isBoolean()) {
            checks.add("window_check", "must be true or false");
            return true;
        }
        return value.asBoolean();
    }

    /** {@code fallback_template}: a template (as in {@code template}) to send instead when the window is closed. */
    private ObjectNode fallbackTemplate(JsonNode request, String kind, Sender sender, boolean toUserId, Checks checks) {
        JsonNode spec = request.get("fallback_template");
        if (spec == null || spec.isNull()) {
            return null;
        }
        if ("template".equals(kind)) {
            checks.add("fallback_template", "is for free-form messages: a template needs no open window");
            return null;
        }
        if (!spec.isObject()) {
            checks.add("fallback_template", "must be a JSON object, like 'template'");
            return null;
        }
        if (sender == null) {
            return null;
        }
        Checks inner = new Checks();
        ObjectNode content = TemplateContent.build(spec, sender.wabaId(), templates, inner);
        if (toUserId) {
            authenticationToUserId(spec, sender, inner);
        }
        inner.errors().forEach(e -> checks.add(e.field().replaceFirst("^template", "fallback_template"), e.rule()));
        return content;
    }

    private String recipient(JsonNode request, Checks checks) {
        String to = checks.text(request, "to", "to", 140, true);
        if (to == null || to.isEmpty()) {
            return null;
        }
        if (Identity.USER_ID.matcher(to).matches()) {
            return to; // a customer known by user id only (a username user): Meta's own id
        }
        try {
            return PhoneNumbers.toE164(to, properties.defaultRegion());
        } catch (IllegalArgumentException e) {
            checks.add("to", e.getMessage());
            return null;
        }
    }

    private String sender(JsonNode request, Checks checks) {
        String from = checks.text(request, "from", "from", 64, false);
        if (from == null) {
            if (properties.senders().size() == 1) {
                return properties.senders().keySet().iterator().next();
            }
            if (properties.defaultSender() != null) {
                return properties.defaultSender();
            }
            checks.add("from", "is required when the hub has several senders: one of " + properties.senders().keySet());
            return null;
        }
        if (!properties.senders().containsKey(from)) {
            checks.add("from", "unknown sender '" + from + "': one of " + properties.senders().keySet());
            return null;
        }
        return from;
    }
}
