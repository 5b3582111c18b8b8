package dev.whatsapphub.sandbox;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.contact.Identity;
import dev.whatsapphub.sandbox.SandboxProperties.PhoneNumber;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.http.ResponseEntity;

/**
 * The send endpoint's behaviour: checks in Meta's order (token, faults, limits, payload), the
 * success answer, and the plan of status webhooks that follows.
 */
class SandboxMessages {

    private final SandboxProperties properties;
    private final SandboxState state;
    private final SandboxRates rates;
    private final SandboxWebhooks webhooks;
    private final SandboxCustomers customers;

    SandboxMessages(SandboxProperties properties, SandboxState state, SandboxRates rates, SandboxWebhooks webhooks,
                    SandboxCustomers customers) {
        this.properties = properties;
        this.state = state;
        this.rates = rates;
        this.webhooks = webhooks;
        this.customers = customers;
    }

    ResponseEntity<ObjectNode> send(PhoneNumber number, JsonNode body, String rawBody, Instant now, long nowNanos) {
        if ("read".equals(body.path("status").asText()) && body.has("message_id")) {
            state.markedRead(new SandboxState.ReadReceipt(number.id(), body.path("message_id").asText(), now));
            return ResponseEntity.ok(JsonNodeFactory.instance.objectNode().put("success", true));
        }
        // "to" wins over "recipient" (a business-scoped user id) when both are given, as at Meta
        String to = body.path("to").asText(null);
        String digits = to == null ? null : to.replaceAll("[\\s+()-]", "");
        String waId = digits != null && digits.matches("\\d{7,15}") ? digits : null;
        String userId = to == null && Identity.USER_ID.matcher(body.path("recipient").asText("")).matches()
                ? body.path("recipient").asText() : null;
        SandboxCustomers.Customer customer = waId != null ? customers.byPhone(number.wabaId(), waId)
                : userId != null ? customers.byUserId(number.wabaId(), userId) : null;
        String logged = waId != null ? waId : userId;
        String type = body.path("type").asText("text");
        Optional<Integer> fault = state.takeFault(number.id());
        ResponseEntity<ObjectNode> refusal = fault.map(code -> GraphErrors.of(code, "Injected by the sandbox's fault control"))
                .or(() -> limits(number, body, customer, userId != null, nowNanos))
                .orElse(null);
        if (refusal != null) {
            state.log(new SandboxState.ReceivedSend(number.id(), logged, type, now, refusal.getBody().path("error").path("code").asInt(), null, rawBody));
            return refusal;
        }
        String wamid = wamid(logged);
        state.log(new SandboxState.ReceivedSend(number.id(), logged, type, now, 0, wamid, rawBody));
        planStatuses(number, body, type, customer, userId != null, wamid, now);
        ObjectNode answer = JsonNodeFactory.instance.objectNode().put("messaging_product", "whatsapp");
        ObjectNode contact = answer.putArray("contacts").addObject();
        if (userId != null) {
            contact.put("input", userId).put("user_id", userId);
        } else {
            contact.put("input", to).put("wa_id", waId);
        }
        ObjectNode message = answer.putArray("messages").addObject().put("id", wamid);
        if ("template".equals(type)) {
            message.put("message_status", "accepted");
        }
        return ResponseEntity.ok(answer);
    }

    private Optional<ResponseEntity<ObjectNode>> limits(PhoneNumber number, JsonNode body, SandboxCustomers.Customer customer,
                                                        boolean toUserId, long nanos) {
        var refusal = SandboxSendRules.check(body, customer == null ? null : toUserId ? customer.userId() : customer.waId(), toUserId,
                number.wabaId(), state);
        if (refusal.isPresent()) {
            return refusal.map(r -> GraphErrors.of(r.code(), r.details()));
        }
        if (number.displayNumber().replaceAll("\\D", "").equals(customer.waId())) {
            return Optional.of(GraphErrors.of(131021, "Recipient cannot be the sender's own number"));
        }
        if (!rates.numberAllows(number.id(), nanos)) {
            return Optional.of(GraphErrors.of(130429, "Message failed to send because there were too many messages sent from this phone number in a short period of time"));
        }
        if (!rates.pairAllows(number.id(), customer.userId(), nanos)) {
            return Optional.of(GraphErrors.of(131056, "Message failed to send because there were too many messages sent from this phone number to the same phone number in a short period of time."));
        }
        return Optional.empty();
    }

    private void planStatuses(PhoneNumber number, JsonNode body, String type, SandboxCustomers.Customer customer, boolean toUserId,
                              String wamid, Instant now) {
        SandboxRecipients recipient = customer.waId() == null ? SandboxRecipients.NORMAL : SandboxRecipients.of(customer.waId());
        String callback = body.path("biz_opaque_callback_data").asText(null);
        List<String> plan = recipient.statuses();
        boolean freeForm = !"template".equals(type);
        boolean windowOpen = recipient == SandboxRecipients.WINDOW_OPEN || state.windowOpen(number.id(), customer.userId(), now);
        if (freeForm && !windowOpen && recipient != SandboxRecipients.NOT_ON_WHATSAPP) {
            schedule(number, failed(wamid, customer, toUserId, callback, now, 131047,
                    "Message failed to send because more than 24 hours have passed since the customer last replied to this number."),
                    customer, properties.statuses().sent());
            return;
        }
        if ("template".equals(type) && state.marketingStopped(number.id(), customer.userId()) && marketing(number, body)) {
            schedule(number, failed(wamid, customer, toUserId, callback, now, 131050,
                    "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business."),
                    customer, properties.statuses().sent());
            return;
        }
        if (recipient == SandboxRecipients.NOT_ON_WHATSAPP) {
            schedule(number, failed(wamid, customer, toUserId, callback, now, 131026, "Message Undeliverable."), customer,
                    properties.statuses().sent());
            return;
        }
        if ("reaction".equals(type)) {
            plan = List.of("sent");
        }
        Duration[] delays = {properties.statuses().sent(), properties.statuses().delivered(), properties.statuses().read()};
        boolean priced = false;
        for (int i = 0; i < plan.size(); i++) {
            String status = plan.get(i);
            Duration delay = delays[Math.min(i, delays.length - 1)].plusMillis(i);
            ObjectNode item = (ObjectNode) SandboxWebhooks.status(wamid, status, customer, toUserId, now.plus(delay).getEpochSecond());
            if (callback != null) {
                item.put("biz_opaque_callback_data", callback);
            }
            // pricing comes with sent and with one of delivered or read
            if ("sent".equals(status) || (!priced && !"sent".equals(status))) {
                priced |= !"sent".equals(status);
                item.putObject("pricing").put("billable", true).put("pricing_model", "PMP").put("type", "regular")
                        .put("category", "template".equals(type) ? "utility" : "service");
            }
            schedule(number, item, customer, delay);
        }
    }

    private boolean marketing(PhoneNumber number, JsonNode body) {
        JsonNode template = body.path("template");
        JsonNode language = template.path("language");
        String code = language.isTextual() ? language.asText() : language.path("code").asText("");
        return state.template(number.wabaId(), template.path("name").asText(""), code)
                .filter(t -> "MARKETING".equalsIgnoreCase(t.category())).isPresent();
    }

    private ObjectNode failed(String wamid, SandboxCustomers.Customer customer, boolean toUserId, String callback, Instant now, int code,
                              String details) {
        ObjectNode item = (ObjectNode) SandboxWebhooks.status(wamid, "failed", customer, toUserId,
                now.plus(properties.statuses().sent()).getEpochSecond());
        if (callback != null) {
            item.put("biz_opaque_callback_data", callback);
        }
        item.putArray("errors").add(GraphErrors.webhookError(code, details));
        return item;
    }

    private void schedule(PhoneNumber number, ObjectNode item, SandboxCustomers.Customer customer, Duration delay) {
        webhooks.schedule(new SandboxWebhooks.Item(number, "statuses", item, customer), delay);
    }

    /** Meta's ids are base64 of a protobuf that starts with the recipient; ours only look alike. */
    private static String wamid(String waId) {
        UUID u = UUID.randomUUID();
        ByteBuffer buffer = ByteBuffer.allocate(16).putLong(u.getMostSignificantBits()).putLong(u.getLeastSignificantBits());
        return "wamid.HBgL" + Base64.getEncoder().encodeToString((waId + ":").getBytes())
                + Base64.getEncoder().withoutPadding().encodeToString(buffer.array());
    }
}
