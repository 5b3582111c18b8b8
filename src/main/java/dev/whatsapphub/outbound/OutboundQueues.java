package dev.whatsapphub.outbound;

import dev.whatsapphub.HubProperties;
import dev.whatsapphub.model.AcceptedMessage;
import jakarta.jms.Message;
import jakarta.jms.TextMessage;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.IntStream;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The persistent queues of the send stage. Each sender has lanes ({@code hub.outbound.<alias>.<lane>}):
 * a recipient always goes to the same lane, and a lane has one consumer in the whole deployment
 * (an exclusive queue), so messages to one recipient are attempted in order and a lane never
 * waits behind another. One dead-letter queue for all.
 */
@Component
public class OutboundQueues {

    public static final String DEAD_LETTERS = "hub.outbound.dlq";
    static final String MESSAGE_ID = "hubMessageId";
    static final String RECIPIENT = "hubRecipient";
    /** Artemis delivers a message carrying this (epoch millis) no earlier than then, and keeps it on disk until. */
    static final String DELIVER_AT = "_AMQ_SCHED_DELIVERY";

    private final JmsTemplate jms;
    private final HubProperties properties;

    public OutboundQueues(JmsTemplate jms, HubProperties properties) {
        this.jms = jms;
        this.properties = properties;
    }

    /** The lane a recipient's messages go to: the same one on every hub instance. */
    static String queueOf(String senderAlias, String recipient, int lanes) {
        return laneQueue(senderAlias, Math.floorMod(recipient.hashCode(), lanes));
    }

    static String laneQueue(String senderAlias, int lane) {
        return "hub.outbound." + senderAlias + "." + String.format("%03d", lane);
    }

    String queueOf(String senderAlias, String recipient) {
        return queueOf(senderAlias, recipient, properties.senders().get(senderAlias).effectiveShards());
    }

    List<String> lanes(String senderAlias) {
        return IntStream.range(0, properties.senders().get(senderAlias).effectiveShards())
                .mapToObj(lane -> laneQueue(senderAlias, lane)).toList();
    }

    /** A persistent, blocking send: when this returns, the broker has the message on disk. */
    public void enqueue(AcceptedMessage m) {
        send(m.sender(), m.id(), m.recipient(), m.payload().toString());
    }

    /** A copy of a message the broker lost track of (crash recovery): the lane's claim makes a needless copy harmless. */
    void requeue(String sender, String id, String recipient, String payload) {
        send(sender, id, recipient, payload);
    }

    private void send(String sender, String id, String recipient, String payload) {
        jms.send(queueOf(sender, recipient), session -> {
            TextMessage message = session.createTextMessage(payload);
            message.setStringProperty(MESSAGE_ID, id);
            message.setStringProperty(RECIPIENT, recipient);
            return message;
        });
    }

    /** Hub ids of the messages waiting on a sender's lanes. */
    Set<String> waitingIds(String senderAlias) {
        Set<String> ids = new HashSet<>();
        for (String lane : lanes(senderAlias)) {
            jms.browse(lane, (session, browser) -> {
                for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                    ids.add(((Message) e.nextElement()).getStringProperty(MESSAGE_ID));
                }
                return null;
            });
        }
        return ids;
    }
}
