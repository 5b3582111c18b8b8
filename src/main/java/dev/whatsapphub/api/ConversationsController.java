package dev.whatsapphub.api;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.consent.ConsentStore;
import dev.whatsapphub.contact.Contact;
import dev.whatsapphub.contact.ContactStore;
import dev.whatsapphub.contact.Identity;
import dev.whatsapphub.inbound.InboundStore;
import dev.whatsapphub.model.PhoneNumbers;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.store.StoredMessage;
import dev.whatsapphub.window.CustomerWindows;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestAttribute;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /api/v1/conversations/{customer}} ({@code customer}: a phone number in any format the
 * send API takes, or a user id; {@code from}: the sender, as in the send API): the latest messages
 * both ways (the calling client's and the customer's), the 24-hour window and the opt-outs.
 */
@RestController
@RequestMapping("/api/v1/conversations")
class ConversationsController {

    private static final int LATEST = 100;

    private final HubProperties properties;
    private final ContactStore contacts;
    private final MessageStore messages;
    private final InboundStore inbound;
    private final CustomerWindows windows;
    private final ConsentStore consent;
    private final ObjectMapper mapper;

    ConversationsController(HubProperties properties, ContactStore contacts, MessageStore messages, InboundStore inbound,
                            CustomerWindows windows, ConsentStore consent, ObjectMapper mapper) {
        this.properties = properties;
        this.contacts = contacts;
        this.messages = messages;
        this.inbound = inbound;
        this.windows = windows;
        this.consent = consent;
        this.mapper = mapper;
    }

    @GetMapping("/{customer}")
    Map<String, Object> conversation(@PathVariable String customer, @RequestParam(required = false) String from,
                                     @RequestAttribute(ApiKeyInterceptor.CLIENT) String client) {
        String sender = properties.senderOrDefault(from);
        if (sender == null || !properties.senders().containsKey(sender)) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                    "from must name a sender, one of " + properties.senders().keySet());
        }
        String recipient = recipient(customer);
        String wabaId = properties.senders().get(sender).wabaId();
        Optional<Contact> contact = contacts.byRecipient(wabaId, recipient);
        List<String> addresses = new ArrayList<>(List.of(recipient));
        contact.ifPresent(c -> {
            if (c.waId() != null && !addresses.contains("+" + c.waId())) {
                addresses.add("+" + c.waId());
            }
            if (c.userId() != null && !addresses.contains(c.userId())) {
                addresses.add(c.userId());
            }
        });
        List<Map<String, Object>> items = new ArrayList<>();
        for (StoredMessage m : messages.conversation(client, sender, addresses, LATEST)) {
            Map<String, Object> item = item("out", m.createdAt().toInstant());
            item.put("id", m.id());
            item.put("wamid", m.wamid());
            item.put("status", m.status());
            item.put("content", MessageViews.content(json(m.payload())));
            items.add(item);
        }
        contact.ifPresent(c -> inbound.latestOf(c.id(), sender, LATEST).forEach(in -> {
            // ordered by the hub's clock, as the outbound ones: Meta's timestamps have whole seconds
            Map<String, Object> item = item("in", in.receivedAt());
            item.put("sent_at", in.sentAt());
            item.put("wamid", in.wamid());
            item.put("type", in.type());
            item.put("replies_to", in.replyToId());
            JsonNode raw = json(in.raw());
            if (raw != null && raw.path("text").has("body")) {
                item.put("text", raw.path("text").path("body").asText());
            }
            items.add(item);
        }));
        items.sort(Comparator.comparing(i -> (Instant) i.get("at")));
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("customer", recipient);
        view.put("from", sender);
        contact.ifPresent(c -> view.put("contact", Map.of("id", c.id(), "phone", c.waId() == null ? "" : "+" + c.waId(),
                "user_id", c.userId() == null ? "" : c.userId(), "name", c.profileName() == null ? "" : c.profileName())));
        view.put("window", window(sender, contact));
        view.put("opt_outs", optOuts(sender, contact));
        view.put("messages", items.size() > LATEST ? items.subList(items.size() - LATEST, items.size()) : items);
        return view;
    }

    private String recipient(String customer) {
        if (Identity.USER_ID.matcher(customer).matches()) {
            return customer;
        }
        try {
            return PhoneNumbers.toE164(customer, properties.defaultRegion());
        } catch (IllegalArgumentException e) {
            throw new ApiProblem(HttpStatus.BAD_REQUEST, "invalid-parameter", "Invalid parameter",
                    "customer: " + e.getMessage() + " (or give a user id such as US.13491208655302741918)");
        }
    }

    private Map<String, Object> window(String sender, Optional<Contact> contact) {
        Map<String, Object> window = new LinkedHashMap<>();
        Optional<CustomerWindows.Window> w = contact.flatMap(c -> windows.of(sender, c.id()));
        boolean wrote = w.isPresent() && !w.get().lastInboundAt().equals(Instant.EPOCH);
        window.put("open", w.isPresent() && wrote && w.get().openAt(Instant.now(), windows.margin()));
        if (wrote) {
            window.put("last_customer_message_at", w.get().lastInboundAt());
            window.put("closes_at", w.get().closesAt(windows.margin()));
        }
        w.map(CustomerWindows.Window::closedAt).ifPresent(at -> window.put("closed_by_meta_at", at));
        return window;
    }

    private List<Map<String, Object>> optOuts(String sender, Optional<Contact> contact) {
        List<Map<String, Object>> out = new ArrayList<>();
        for (String category : List.of("marketing", "utility", "all")) {
            contact.flatMap(c -> consent.current(sender, c.id(), category)).ifPresent(change -> {
                Map<String, Object> item = new LinkedHashMap<>();
                item.put("category", change.category());
                item.put("opted_out", change.optedOut());
                item.put("since", change.at());
                item.put("source", change.source());
                item.put("detail", change.detail());
                out.add(item);
            });
        }
        return out;
    }

    private static Map<String, Object> item(String direction, Instant at) {
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("direction", direction);
        item.put("at", at);
        return item;
    }

    private JsonNode json(String text) {
        try {
            return text == null ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return null;
        }
    }
}
