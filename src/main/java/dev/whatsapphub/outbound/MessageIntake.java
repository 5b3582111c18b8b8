package dev.whatsapphub.outbound;

import com.fasterxml.jackson.databind.JsonNode;
import dev.whatsapphub.Digests;
import dev.whatsapphub.HubProperties;
import dev.whatsapphub.consent.ConsentCheck;
import dev.whatsapphub.status.StatusUpdate;
import dev.whatsapphub.window.WindowCheck;
import dev.whatsapphub.model.AcceptedMessage;
import dev.whatsapphub.model.MessageFactory;
import dev.whatsapphub.store.Durability;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.model.MessageIds;
import org.springframework.jms.JmsException;
import org.springframework.stereotype.Component;

/**
 * The one way in to the send stage, for the send API and for messages made from events:
 * validated, then stored, then on the persistent queue. A crash between the two steps is
 * repaired at start-up (OutboundStarter).
 */
@Component
public class MessageIntake {

    /** Where the message is now; {@code replayed} when an idempotency key returned an earlier message. */
    public record Intake(String id, String status, boolean replayed) {
    }

    /** The idempotency key was first used for a different message. */
    public static class IdempotencyKeyReused extends RuntimeException {
        public IdempotencyKeyReused(String key, String firstId) {
            super("idempotency_key '" + key + "' was first used for a different message (" + firstId + "); use a new key for a new message");
        }
    }

    /** The broker did not take the message; it was not accepted. */
    public static class QueueUnavailable extends RuntimeException {
        public QueueUnavailable(Throwable cause) {
            super("The message could not be queued and was not accepted; retry it: " + cause.getMessage(), cause);
        }
    }

    private final MessageFactory factory;
    private final MessageStore store;
    private final OutboundQueues queues;
    private final Durability durability;
    private final WindowCheck windows;
    private final ConsentCheck consent;
    private final HubProperties properties;

    public MessageIntake(MessageFactory factory, MessageStore store, OutboundQueues queues, Durability durability, WindowCheck windows,
                         ConsentCheck consent, HubProperties properties) {
        this.windows = windows;
        this.consent = consent;
        this.properties = properties;
        this.factory = factory;
        this.store = store;
        this.queues = queues;
        this.durability = durability;
    }

    /**
     * Throws InvalidMessageException (nothing stored) when the request cannot be a message. On
     * return the message survives a kill of the process: the caller may answer 202.
     */
    public Intake submit(String client, JsonNode request) {
        Intake intake = submit(client, request, admitted(factory.accept(MessageIds.next(), request)));
        durability.await();
        return intake;
    }

    /**
     * The message as the customer's window and consent let it go: unchanged, or with its fallback
     * template instead; refused with {@link dev.whatsapphub.window.WindowClosedException} or
     * {@link dev.whatsapphub.consent.OptedOutException}.
     */
    public AcceptedMessage admitted(AcceptedMessage message) {
        String wabaId = properties.senders().get(message.sender()).wabaId();
        AcceptedMessage going = windows.apply(message, wabaId);
        consent.check(going, wabaId);
        return going;
    }

    /**
     * For a request already validated into {@code message} (all messages of an event are, before
     * the first is queued). The caller calls {@link Durability#await} before it acknowledges.
     */
    public Intake submit(String client, JsonNode request, AcceptedMessage message) {
        String hash = Digests.sha256(request.toString());
        var own = properties.clients().get(client);
        if (message.callbackUrl() != null || own != null && own.callsBack()) {
            // Meta echoes this with every status: only the statuses of messages with a callback target cost a callback lookup
            message.payload().put("biz_opaque_callback_data", message.id() + StatusUpdate.NOTIFY);
        }
        var existing = store.insert(message, client, hash);
        if (existing.isPresent()) {
            if (!hash.equals(existing.get().requestHash())) {
                throw new IdempotencyKeyReused(message.idempotencyKey(), existing.get().id());
            }
            return new Intake(existing.get().id(), store.find(existing.get().id()).orElseThrow().status(), true);
        }
        try {
            queues.enqueue(message);
        } catch (JmsException brokerDown) {
            store.delete(message.id());
            throw new QueueUnavailable(brokerDown);
        }
        return new Intake(message.id(), "queued", false);
    }
}
