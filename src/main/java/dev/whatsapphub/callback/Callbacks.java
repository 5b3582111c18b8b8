package dev.whatsapphub.callback;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.store.StoredMessage;
import dev.whatsapphub.whatsapp.ErrorCodes;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/**
 * Makes the callbacks: JSON with a stable {@code event_id} (made from its cause, so a webhook
 * delivered twice makes one callback), its {@code type}, the hub message and wamid, and the
 * message's original {@code metadata}. Called inside the transaction that records the cause.
 */
@Component
public class Callbacks {

    public static final String STATUS = "message.status";
    public static final String REPLY = "message.reply";
    public static final String OPT_OUT = "contact.opt_out";
    public static final String OPT_IN = "contact.opt_in";

    private final CallbackStore store;
    private final MessageStore messages;
    private final JdbcTemplate jdbc;
    private final ObjectMapper mapper;
    private final HubProperties properties;

    public Callbacks(CallbackStore store, MessageStore messages, JdbcTemplate jdbc, ObjectMapper mapper, HubProperties properties) {
        this.store = store;
        this.messages = messages;
        this.jdbc = jdbc;
        this.mapper = mapper;
        this.properties = properties;
    }

    /** Where a message's callbacks go: its own callback_url, else its client's; empty if neither has one. */
    public Optional<String> target(StoredMessage message) {
        if (message.callbackUrl() != null) {
            return Optional.of(message.callbackUrl());
        }
        var client = properties.clients().get(message.client());
        return client == null || !client.callsBack() ? Optional.empty() : Optional.of(client.callbackTarget());
    }

    /** A status just applied to a message with a callback target: the status as the hub stores it, and its rank. */
    public record Applied(String messageId, String status, int rank) {

        /** The hub itself recorded the message failed (Meta refused the send): rank 4, as MessageStore.recordFailed stores it. */
        public static Applied failed(String messageId) {
            return new Applied(messageId, "failed", 4);
        }
    }

    /**
     * The statuses just applied to messages with a callback target, in the order of the webhook:
     * each status the message reached and no callback has reported yet gets one (a status Meta
     * sends twice is called back once; one that arrives after a later one, read before delivered,
     * is not called back: callbacks never go backwards; failed after read was not applied).
     */
    public void statusesApplied(List<Applied> applied) {
        for (Applied a : applied) {
            if (jdbc.update("""
                    UPDATE hub_message SET notified_rank = ? WHERE id = ? AND notified_rank < ? AND status_rank >= ?
                      AND (? < 4 OR status_rank = 4)""", a.rank(), a.messageId(), a.rank(), a.rank(), a.rank()) == 0) {
                continue;
            }
            StoredMessage m = messages.find(a.messageId()).orElseThrow();
            Optional<String> target = target(m);
            if (target.isEmpty()) {
                continue;
            }
            ObjectNode body = envelope(m.id() + ":" + a.status(), STATUS, m);
            ObjectNode message = (ObjectNode) body.get("message");
            message.put("status", a.status());
            OffsetDateTime at = switch (a.status()) {
                case "sent" -> m.sentAt();
                case "delivered" -> m.deliveredAt();
                case "read" -> m.readAt();
                case "failed" -> m.failedAt();
                default -> m.acceptedAt();
            };
            message.put("timestamp", at == null ? null : at.toInstant().toString());
            // every status reached so far with its time: a system that keeps one field per status (Salesforce) fills them
            ObjectNode timestamps = message.putObject("timestamps");
            putTime(timestamps, "sent", m.sentAt());
            putTime(timestamps, "delivered", m.deliveredAt());
            putTime(timestamps, "read", m.readAt());
            putTime(timestamps, "failed", m.failedAt());
            if ("failed".equals(a.status()) && m.errorCode() != null) {
                message.putObject("error").put("code", m.errorCode()).put("title", m.errorTitle()).put("detail", m.errorDetail())
                        .put("action", ErrorCodes.action(m.errorCode()));
            }
            if (m.replacedBy() != null) {
                message.put("replaced_by", m.replacedBy());
            }
            store.add(body.path("event_id").asText(), m.client(), STATUS, m.id(), target.get(), body.toString());
        }
    }

    /** A customer's reply to {@code origin}: {@code reply} is what the hub shows of the inbound message. */
    public void reply(StoredMessage origin, String target, ObjectNode reply) {
        ObjectNode body = envelope("reply:" + reply.path("wamid").asText(), REPLY, origin);
        body.set("reply", reply);
        store.add(body.path("event_id").asText(), origin.client(), REPLY, origin.id(), target, body.toString());
    }

    /** An opt-out or opt-in, for the system that last sent to the contact ({@code origin}). */
    public void consent(StoredMessage origin, String target, long changeId, boolean optedOut, ObjectNode contact) {
        ObjectNode body = envelope("consent:" + changeId, optedOut ? OPT_OUT : OPT_IN, origin);
        body.set("contact", contact);
        store.add(body.path("event_id").asText(), origin.client(), optedOut ? OPT_OUT : OPT_IN, origin.id(), target, body.toString());
    }

    private static void putTime(ObjectNode node, String name, OffsetDateTime at) {
        if (at != null) {
            node.put(name, at.toInstant().toString());
        }
    }

    private ObjectNode envelope(String eventId, String type, StoredMessage m) {
        ObjectNode body = mapper.createObjectNode().put("event_id", eventId).put("type", type).put("created_at", Instant.now().toString());
        ObjectNode message = body.putObject("message").put("id", m.id()).put("wamid", m.wamid()).put("from", m.sender())
                .put("to", m.recipient());
        if (message.path("wamid").isNull()) {
            message.remove("wamid");
        }
        body.set("metadata", json(m.metadata()));
        return body;
    }

    private JsonNode json(String text) {
        try {
            return text == null ? mapper.nullNode() : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            return mapper.getNodeFactory().textNode(text);
        }
    }
}
