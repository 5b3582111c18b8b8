package dev.whatsapphub.reply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.callback.Callbacks;
import dev.whatsapphub.consent.ConsentStore;
import dev.whatsapphub.contact.Contact;
import dev.whatsapphub.media.MediaStore;
import dev.whatsapphub.model.MessageFactory;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.store.StoredMessage;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Where what a customer sends belongs. A reply to one of the hub's messages ({@code context.id})
 * or a tap on one of its quick replies (the payload the hub tagged) is linked to that message and
 * goes to its origin's callback with the message's metadata. Anything else goes to the origin of
 * the contact's latest message from the sender if it is recent ({@code owner-window}), else to the
 * default route. Opt-outs and opt-ins go the same way.
 */
@Component
public class ReplyRouting {

    /** Where an inbound item goes: a callback was made, or {@code unassigned} is the JSON for the default route. */
    public record Routed(String originId, String unassigned) {
    }

    private final MessageStore messages;
    private final Callbacks callbacks;
    private final MediaStore media;
    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final HubProperties.Conversations config;
    // media links in replies: the hub's public address, made once
    private final String mediaBase;

    ReplyRouting(MessageStore messages, Callbacks callbacks, MediaStore media, JdbcTemplate jdbc, ObjectMapper mapper,
                 HubProperties properties) {
        this.messages = messages;
        this.callbacks = callbacks;
        this.media = media;
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.config = properties.conversations();
        this.mediaBase = config.publicUrl().toString().replaceAll("/+$", "") + "/api/v1/media/";
    }

    /** Routes a stored customer message of {@code contact} to {@code sender}; idempotent (the callback's event id is the wamid). */
    public Routed message(String sender, Contact contact, JsonNode message) {
        String wamid = message.path("id").asText();
        Optional<StoredMessage> linked = linked(message);
        linked.ifPresent(origin -> jdbc.update("UPDATE inbound_message SET reply_to_id = ? WHERE wamid = ?", origin.id(), wamid));
        Optional<StoredMessage> origin = linked.or(() -> latest(sender, contact));
        ObjectNode reply = view(contact, message, linked.isPresent());
        Optional<String> target = origin.flatMap(callbacks::target);
        if (target.isPresent()) {
            callbacks.reply(origin.get(), target.get(), reply);
            return new Routed(origin.get().id(), null);
        }
        ObjectNode unassigned = mapper.createObjectNode().put("type", Callbacks.REPLY).put("sender", sender);
        unassigned.set("reply", reply);
        origin.ifPresent(o -> unassigned.put("latest_message_id", o.id()));
        return new Routed(null, unassigned.toString());
    }

    /** An opt-out or opt-in: to the system that last sent to the contact, else the default route. */
    public Routed consent(String sender, Contact contact, ConsentStore.Change change, StoredMessage origin) {
        Optional<StoredMessage> owner = Optional.ofNullable(origin).or(() -> latest(sender, contact));
        ObjectNode who = contactView(contact).put("category", change.category()).put("source", change.source())
                .put("detail", change.detail()).put("at", change.at().toString());
        Optional<String> target = owner.flatMap(callbacks::target);
        if (target.isPresent()) {
            callbacks.consent(owner.get(), target.get(), change.id(), change.optedOut(), who);
            return new Routed(owner.get().id(), null);
        }
        ObjectNode unassigned = mapper.createObjectNode().put("type", change.optedOut() ? Callbacks.OPT_OUT : Callbacks.OPT_IN)
                .put("sender", sender);
        unassigned.set("contact", who);
        return new Routed(null, unassigned.toString());
    }

    /** The hub message the customer answered: quoted ({@code context.id}), or tapped (a tagged quick-reply payload). */
    private Optional<StoredMessage> linked(JsonNode message) {
        String quoted = message.path("context").path("id").asText(null);
        Optional<StoredMessage> byContext = quoted == null ? Optional.empty() : messages.byWamid(quoted);
        return byContext.or(() -> tagged(message.path("button").path("payload").asText("")).flatMap(messages::find));
    }

    private Optional<StoredMessage> latest(String sender, Contact contact) {
        List<String> addresses = new ArrayList<>();
        if (contact.waId() != null) {
            addresses.add("+" + contact.waId());
        }
        if (contact.userId() != null) {
            addresses.add(contact.userId());
        }
        OffsetDateTime since = OffsetDateTime.now(ZoneOffset.UTC).minus(config.ownerWindow());
        return messages.latestTo(sender, addresses, since);
    }

    /** The hub id in a payload the hub tagged ({@code h1.<id>.<client payload>}). */
    private static Optional<String> tagged(String payload) {
        if (!payload.startsWith(MessageFactory.QUICK_REPLY_TAG)) {
            return Optional.empty();
        }
        String rest = payload.substring(MessageFactory.QUICK_REPLY_TAG.length());
        int dot = rest.indexOf('.');
        return dot <= 0 ? Optional.empty() : Optional.of(rest.substring(0, dot));
    }

    /** What the connected system gets of the customer's message: its content, with media as hub URLs and payloads untagged. */
    private ObjectNode view(Contact contact, JsonNode message, boolean linked) {
        ObjectNode reply = mapper.createObjectNode().put("wamid", message.path("id").asText()).put("type", message.path("type").asText())
                .put("linked", linked);
        String seconds = message.path("timestamp").asText("");
        if (seconds.matches("\\d+")) {
            reply.put("timestamp", Instant.ofEpochSecond(Long.parseLong(seconds)).toString());
        }
        reply.set("from", contactView(contact));
        String type = message.path("type").asText();
        switch (type) {
            case "text" -> reply.put("text", message.path("text").path("body").asText());
            case "button" -> {
                String payload = message.path("button").path("payload").asText("");
                String own = tagged(payload).map(id -> payload.substring(MessageFactory.QUICK_REPLY_TAG.length() + id.length() + 1)).orElse(payload);
                reply.putObject("button").put("text", message.path("button").path("text").asText()).put("payload", own.isEmpty() ? null : own);
            }
            case "image", "video", "audio", "document", "sticker" -> {
                ObjectNode file = reply.putObject("media");
                media.ofMessage(message.path("id").asText()).ifPresent(m -> file.put("id", m.id())
                        .put("url", mediaBase + m.id()));
                file.put("mime_type", message.path(type).path("mime_type").asText(null));
                if (message.path(type).has("caption")) {
                    file.put("caption", message.path(type).path("caption").asText());
                }
                if (message.path(type).has("filename")) {
                    file.put("filename", message.path(type).path("filename").asText());
                }
            }
            default -> {
                if (message.has(type)) {
                    reply.set(type, message.path(type));
                }
            }
        }
        return reply;
    }

    private ObjectNode contactView(Contact contact) {
        ObjectNode who = mapper.createObjectNode().put("contact_id", contact.id());
        if (contact.waId() != null) {
            who.put("phone", "+" + contact.waId());
        }
        who.put("user_id", contact.userId()).put("name", contact.profileName());
        return who;
    }
}
