package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.sandbox.SandboxProperties.PhoneNumber;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.support.ServletUriComponentsBuilder;

/**
 * Simulated customers writing to a business number: the body is one inbound message object as it
 * appears in a webhook's {@code messages[]}; the sandbox fills in what Meta fills in, opens the
 * 24-hour window, and delivers it in Meta's signed envelope.
 */
@RestController
@ConditionalOnProperty(name = "sandbox.enabled", havingValue = "true")
@RequestMapping("/sandbox/customers")
class SandboxCustomersController {

    /** The inbound types of the contract; {@code request_welcome} carries no object of its own. */
    static final Set<String> TYPES = Set.of("text", "image", "video", "audio", "document", "sticker", "location", "contacts",
            "button", "interactive", "reaction", "order", "system", "unsupported", "request_welcome");
    private static final Set<String> WITHOUT_OBJECT = Set.of("request_welcome", "unsupported");

    private final SandboxProperties properties;
    private final SandboxState state;
    private final SandboxCustomers customers;
    private final SandboxMedia media;
    private final SandboxWebhooks webhooks;

    SandboxCustomersController(SandboxProperties properties, SandboxState state, SandboxCustomers customers, SandboxMedia media,
                               SandboxWebhooks webhooks) {
        this.properties = properties;
        this.state = state;
        this.customers = customers;
        this.media = media;
        this.webhooks = webhooks;
    }

    /**
     * {@code customer}: a phone number or a business-scoped user id. Optional in the body:
     * {@code phone_number_id} (default: the first sandbox number), {@code "username_user": true}
     * (the customer has a username, so Meta leaves the phone number out); for a file
     * ({@code image}, {@code document}, ...) without {@code id}, {@code data_base64} gives its bytes
     * (default: a small sample of the MIME type) and {@code "media_url": false} leaves the direct
     * URL out of the webhook, as before November 2025.
     */
    @PostMapping("/{customer}/messages")
    ResponseEntity<?> message(@PathVariable String customer, @RequestBody JsonNode body) {
        if (!body.isObject()) {
            return refuse("body", "must be one inbound message object, as in a webhook's messages[]");
        }
        ObjectNode message = ((ObjectNode) body).deepCopy();
        String numberId = message.path("phone_number_id").asText(properties.phoneNumbers().get(0).id());
        PhoneNumber number = state.number(numberId).orElse(null);
        if (number == null) {
            return refuse("phone_number_id", "must be one of the sandbox's numbers");
        }
        SandboxCustomers.Customer who = customers.find(number.wabaId(), customer).orElse(null);
        if (who == null) {
            return refuse("customer", "must be a phone number in international format or a user id (CC. and up to 128 letters and digits)");
        }
        if (message.path("username_user").asBoolean(false)) {
            who = customers.adoptUsername(who);
        }
        String type = message.path("type").asText("");
        if (!TYPES.contains(type)) {
            return refuse("type", "must be one of " + String.join(", ", TYPES.stream().sorted().toList()));
        }
        if (!WITHOUT_OBJECT.contains(type) && !message.path(type).isObject() && !message.path(type).isArray()) {
            return refuse(type, "is required for type '" + type + "' (its object, as in Meta's webhook)");
        }
        if (SandboxMedia.DEFAULT_TYPES.containsKey(type) && !message.path(type).has("id")) {
            ObjectNode object = (ObjectNode) message.path(type);
            String mimeType = object.path("mime_type").asText(SandboxMedia.DEFAULT_TYPES.get(type));
            byte[] bytes = object.has("data_base64") ? Base64.getDecoder().decode(object.path("data_base64").asText()) : null;
            SandboxMedia.File file = media.store(number.wabaId(), mimeType, bytes);
            object.remove("data_base64");
            object.put("id", file.id()).put("mime_type", mimeType).put("sha256", file.sha256Base64());
            // since November 2025 Meta puts a direct URL in the webhook; "media_url": false leaves it out as before
            if (message.path("media_url").asBoolean(true)) {
                object.put("url", ServletUriComponentsBuilder.fromCurrentContextPath().path("/sandbox/media-files/{id}")
                        .buildAndExpand(file.id()).toUriString());
            }
        }
        message.remove(java.util.List.of("phone_number_id", "username_user", "media_url"));
        Instant now = Instant.now();
        if (SandboxWebhooks.phoneShown(who)) {
            message.put("from", who.waId());
        } else {
            message.remove("from");
        }
        message.put("from_user_id", who.userId());
        if (!message.hasNonNull("id")) {
            message.put("id", "wamid.IN" + Long.toHexString(System.nanoTime()));
        }
        if (!message.hasNonNull("timestamp")) {
            message.put("timestamp", Long.toString(now.getEpochSecond()));
        }
        // the window runs from when the customer sent it, as at Meta (a test may say that was yesterday)
        Instant sent = Instant.ofEpochSecond(message.path("timestamp").asLong(now.getEpochSecond()));
        state.userWrote(number.id(), who.userId(), sent.isAfter(now) ? now : sent);
        webhooks.schedule(new SandboxWebhooks.Item(number, "messages", message, who), Duration.ZERO);
        return ResponseEntity.ok(Map.of("wamid", message.path("id").asText(), "user_id", who.userId()));
    }

    /**
     * The customer stops ({@code {"value": "stop"}}) or resumes ({@code "resume"}) marketing messages
     * from a number, as in WhatsApp's chat menu: Meta's {@code user_preferences} webhook follows,
     * and marketing templates to them fail with 131050 until they resume.
     */
    @PostMapping("/{customer}/preferences")
    ResponseEntity<?> preferences(@PathVariable String customer, @RequestBody JsonNode body) {
        PhoneNumber number = state.number(body.path("phone_number_id").asText(properties.phoneNumbers().get(0).id())).orElse(null);
        if (number == null) {
            return refuse("phone_number_id", "must be one of the sandbox's numbers");
        }
        SandboxCustomers.Customer who = customers.find(number.wabaId(), customer).orElse(null);
        if (who == null) {
            return refuse("customer", "must be a phone number in international format or a user id");
        }
        String value = body.path("value").asText("");
        if (!value.equals("stop") && !value.equals("resume")) {
            return refuse("value", "must be stop or resume");
        }
        state.marketing(number.id(), who.userId(), value.equals("stop"));
        ObjectNode change = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode().put("messaging_product", "whatsapp");
        change.putObject("metadata").put("display_phone_number", number.displayNumber().replaceAll("\\D", ""))
                .put("phone_number_id", number.id());
        change.putArray("contacts").add(SandboxWebhooks.contact(who, true));
        ObjectNode preference = change.putArray("user_preferences").addObject();
        if (SandboxWebhooks.phoneShown(who)) {
            preference.put("wa_id", who.waId());
        }
        preference.put("user_id", who.userId())
                .put("detail", value.equals("stop") ? "User requested to stop marketing messages" : "User requested to resume marketing messages")
                .put("category", "marketing_messages").put("value", value)
                .put("timestamp", Instant.now().getEpochSecond());
        // "webhook": false: Meta's webhook is lost, so only its 131050 on the next marketing send tells the hub
        if (body.path("webhook").asBoolean(true)) {
            webhooks.postChange(number.wabaId(), "user_preferences", change);
        }
        return ResponseEntity.ok(Map.of("user_id", who.userId(), "value", value));
    }

    private static ResponseEntity<?> refuse(String field, String rule) {
        return ResponseEntity.badRequest().body(Map.of("error", field + " " + rule, "field", field));
    }
}
