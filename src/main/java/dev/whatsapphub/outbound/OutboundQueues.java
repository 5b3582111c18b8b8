package dev.whatsapphub.outbound;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.HubProperties.Sender;
import dev.whatsapphub.model.AcceptedMessage;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Set;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The persistent queues of the send stage: one per sender ({@code hub.outbound.<alias>}), so a
 * paused sender holds only its own messages, and one dead-letter queue.
 */
@Component
public class OutboundQueues {

    public static final String DEAD_LETTERS = "hub.outbound.dlq";
    static final String MESSAGE_ID = "hubMessageId";
    static final String RECIPIENT = "hubRecipient";
    static final String GROUP = "JMSXGroupID";
    /** Set on copies put on a queue again (crash recovery, replay): the send route checks the database for those. */
    static final String REQUEUED = "hubRequeued";

    private final JmsTemplate jms;
    private final HubProperties properties;

    public OutboundQueues(JmsTemplate jms, HubProperties properties) {
        this.jms = jms;
        this.properties = properties;
    }

    public static String queueOf(String senderAlias) {
        return "hub.outbound." + senderAlias;
    }

    /** A persistent, blocking send: when this returns, the broker has the message on disk. */
    public void enqueue(AcceptedMessage m) {
        send(m.sender(), m.id(), m.recipient(), m.payload().toString(), false);
    }

    void requeue(String sender, String id, String recipient, String payload) {
        send(sender, id, recipient, payload, true);
    }

    private void send(String sender, String id, String recipient, String payload, boolean requeued) {
        jms.send(queueOf(sender), session -> {
            TextMessage message = session.createTextMessage(payload);
            message.setStringProperty(MESSAGE_ID, id);
            message.setStringProperty(RECIPIENT, recipient);
            message.setStringProperty(GROUP, groupOf(sender, recipient));
            if (requeued) {
                message.setBooleanProperty(REQUEUED, true);
            }
            return message;
        });
    }

    /**
     * Messages to one recipient share a group, and a group has one consumer across every hub
     * instance on the broker: per-recipient order holds and each shard's throttle is exact.
     */
    String groupOf(String senderAlias, String recipient) {
        Sender sender = properties.senders().get(senderAlias);
        return sender.phoneNumberId() + ":" + Math.floorMod(recipient.hashCode(), sender.effectiveShards());
    }

    /** Hub ids of the messages waiting on a sender's queue. */
    Set<String> waitingIds(String senderAlias) {
        Set<String> ids = new HashSet<>();
        jms.browse(queueOf(senderAlias), (session, browser) -> {
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                ids.add(((Message) e.nextElement()).getStringProperty(MESSAGE_ID));
            }
            return null;
        });
        return ids;
    }
}
