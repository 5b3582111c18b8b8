package dev.whatsapphub.inbound;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.consent.OptOuts;
import dev.whatsapphub.contact.Contact;
import dev.whatsapphub.contact.ContactStore;
import dev.whatsapphub.contact.Identity;
import dev.whatsapphub.media.MediaStore;
import dev.whatsapphub.reply.ReplyRouting;
import dev.whatsapphub.window.CustomerWindows;
import dev.whatsapphub.store.Durability;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Stores one item of {@code hub.inbound}: a customer's message with its contact, or a
 * {@code user_id_update}. The contact is learned from the item before the message is stored, and
 * a system message that says the customer's id or number changed is applied to the contact.
 */
@Component
class InboundRecorder implements Processor {

    static final String WAMID = "hubWamid";
    /** JSON texts for the default route: what belongs to no origin with a callback. */
    static final String UNASSIGNED = "hubUnassigned";
    /** Set when the message carries a file: the hub media id to download. */
    static final String MEDIA = "hubMediaId";

    private static final Logger log = LoggerFactory.getLogger(InboundRecorder.class);
    private static final Set<String> MEDIA_KINDS = Set.of("image", "video", "audio", "document", "sticker");

    private final ObjectMapper mapper;
    private final ContactStore contacts;
    private final InboundStore messages;
    private final Durability durability;
    private final MeterRegistry meters;
    private final MediaStore media;
    private final CustomerWindows windows;
    private final OptOuts optOuts;
    private final ReplyRouting routing;
    private final Map<String, String> senderByNumber;
    private final Set<String> markRead;

    InboundRecorder(ObjectMapper mapper, ContactStore contacts, InboundStore messages, Durability durability, MeterRegistry meters,
                    MediaStore media, CustomerWindows windows, OptOuts optOuts, ReplyRouting routing, HubProperties properties) {
        this.routing = routing;
        this.media = media;
        this.optOuts = optOuts;
        this.windows = windows;
        this.mapper = mapper;
        this.contacts = contacts;
        this.messages = messages;
        this.durability = durability;
        this.meters = meters;
        this.senderByNumber = properties.senders().entrySet().stream()
                .collect(Collectors.toMap(e -> e.getValue().phoneNumberId(), Map.Entry::getKey, (a, b) -> a));
        this.markRead = properties.senders().entrySet().stream().filter(e -> e.getValue().markRead()).map(Map.Entry::getKey)
                .collect(Collectors.toSet());
    }

    @Override
    public void process(Exchange exchange) throws JsonProcessingException {
        JsonNode item = mapper.readTree(exchange.getMessage().getBody(String.class));
        String wabaId = item.path("waba_id").asText();
        Instant now = Instant.now();
        if (item.has("user_id_update")) {
            JsonNode update = item.path("user_id_update");
            contacts.changeUserId(wabaId, text(update.path("user_id"), "previous"), text(update.path("user_id"), "current"),
                    text(update, "wa_id"), now);
            durability.await();
            return;
        }
        if (item.has("user_preference")) {
            String unassigned = recordPreference(wabaId, item, now);
            if (unassigned != null) {
                exchange.getMessage().setHeader(UNASSIGNED, List.of(unassigned));
            }
            durability.await();
            return;
        }
        JsonNode message = item.path("message");
        String wamid = text(message, "id");
        Optional<Contact> learned = contacts.learn(wabaId, identity(item.path("contacts"), message), now);
        if (wamid == null || learned.isEmpty()) {
            meters.counter("hub.inbound.unusable").increment();
            // the item may hold personal data: name its fields only
            log.warn("Skipped an inbound message without {} (fields: {})", wamid == null ? "'id'" : "'from_user_id' or 'from'",
                    String.join(", ", (Iterable<String>) message::fieldNames));
            return;
        }
        Contact contact = learned.get();
        String type = message.path("type").asText("unknown");
        if ("system".equals(type)) {
            contact = applySystemMessage(wabaId, contact, message, now);
        }
        String phoneNumberId = item.path("metadata").path("phone_number_id").asText("");
        boolean stored = messages.insert(new InboundStore.Stored(wamid, phoneNumberId, senderByNumber.get(phoneNumberId), contact.id(),
                type, contact.profileName(), text(message.path("context"), "id"), sentAt(message), now, message.toString()));
        if (stored) {
            meters.counter("hub.inbound.messages", "type", type).increment();
        }
        JsonNode file = message.path(type);
        if (MEDIA_KINDS.contains(type) && file.hasNonNull("id")) {
            // stored before but still pending: the process died between the rows and the JMS commit, so the download is queued again
            String mediaId = stored ? media.expect(wamid, type, file.path("id").asText(), phoneNumberId, text(file, "mime_type"))
                    : media.ofMessage(wamid).filter(m -> "pending".equals(m.state())).map(MediaStore.Media::id).orElse(null);
            if (mediaId != null) {
                exchange.getMessage().setHeader(MEDIA, mediaId);
                exchange.getMessage().setHeader(MediaStore.URL_HEADER, text(file, "url"));
                exchange.getMessage().setHeader(MediaStore.SHA256_HEADER, text(file, "sha256"));
            }
        }
        String alias = senderByNumber.get(phoneNumberId);
        List<String> unassigned = new ArrayList<>();
        if (alias != null) {
            // Meta's window runs from the customer's message as Meta stamped it
            Instant sent = sentAt(message);
            Instant at = sent == null || sent.isAfter(now) ? now : sent;
            windows.customerWrote(alias, contact.id(), at);
            // routed again when Meta delivers the message again: the callback's event id is the wamid, so it is made once
            unassigned.add(routing.message(alias, contact, message).unassigned());
            Contact who = contact;
            optOuts.fromMessage(alias, contact.id(), message, at).ifPresent(change -> unassigned.add(routing.consent(alias, who, change, null)
                    .unassigned()));
        }
        unassigned.removeIf(java.util.Objects::isNull);
        if (!unassigned.isEmpty()) {
            exchange.getMessage().setHeader(UNASSIGNED, unassigned);
        }
        exchange.getMessage().setHeader(WAMID, wamid);
        if (stored && alias != null && markRead.contains(alias)) {
            exchange.getMessage().setHeader(ReadReceipts.SENDER, alias);
        }
        // stored before the JMS commit takes the item off hub.inbound
        durability.await();
    }

    /** Meta's {@code user_preferences} item: the customer stopped or resumed marketing from the number. */
    private String recordPreference(String wabaId, JsonNode item, Instant now) {
        JsonNode preference = item.path("user_preference");
        String alias = senderByNumber.get(item.path("metadata").path("phone_number_id").asText(""));
        Optional<Contact> contact = contacts.learn(wabaId, new Identity(text(preference, "user_id"), null, text(preference, "wa_id"),
                null, null), now);
        if (alias == null || contact.isEmpty()) {
            meters.counter("hub.inbound.unusable").increment();
            log.warn("Skipped a user_preferences item for {} (fields: {})", alias == null ? "a number that is not a sender" : "no customer id",
                    String.join(", ", (Iterable<String>) preference::fieldNames));
            return null;
        }
        Instant at = Optional.ofNullable(sentAt(preference)).filter(t -> !t.isAfter(now)).orElse(now);
        return optOuts.fromUserPreference(alias, contact.get().id(), preference, at)
                .map(change -> routing.consent(alias, contact.get(), change, null).unassigned()).orElse(null);
    }

    /** The customer's own entry of {@code contacts[]} (by user id, then phone number), else the only one. */
    private static Identity identity(JsonNode contacts, JsonNode message) {
        String userId = text(message, "from_user_id");
        String from = text(message, "from");
        JsonNode own = null;
        for (JsonNode c : contacts) {
            if (userId != null && userId.equals(text(c, "user_id")) || userId == null && from != null && from.equals(text(c, "wa_id"))) {
                own = c;
            }
        }
        if (own == null && contacts.size() == 1) {
            own = contacts.get(0);
        }
        return Identity.of(own, message);
    }

    /** {@code user_changed_user_id}: the contact takes the new id; a changed number: the contact takes the new number. */
    private Contact applySystemMessage(String wabaId, Contact contact, JsonNode message, Instant now) {
        JsonNode system = message.path("system");
        String kind = system.path("type").asText("");
        String newUserId = text(system, "user_id");
        if ("user_changed_user_id".equals(kind) && newUserId != null && !newUserId.equals(contact.userId())) {
            return contacts.changeUserId(wabaId, contact.userId(), newUserId, null, now);
        }
        String newWaId = text(system, "wa_id");
        if (("user_changed_number".equals(kind) || "customer_changed_number".equals(kind)) && newWaId != null) {
            return contacts.changeWaId(contact.id(), newWaId);
        }
        return contact;
    }

    private static Instant sentAt(JsonNode message) {
        String seconds = text(message, "timestamp");
        try {
            return seconds == null ? null : Instant.ofEpochSecond(Long.parseLong(seconds));
        } catch (NumberFormatException | java.time.DateTimeException notSeconds) {
            return null;
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        return value != null && value.isValueNode() && !value.asText().isBlank() ? value.asText() : null;
    }
}
