package dev.whatsapphub.outbound;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.whatsapphub.store.Durability;
import dev.whatsapphub.store.MessageStore;
import dev.whatsapphub.store.MessageStore.Failed;
import dev.whatsapphub.whatsapp.ErrorCodes;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TextMessage;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import org.springframework.jms.core.JmsTemplate;
import org.springframework.stereotype.Component;

/**
 * The dead-letter queue: what failed and why, and putting a message back on its sender's queue.
 * Failures come from two places: the send call (SendSteps) and Meta's {@code failed} statuses
 * (131026, 131047, ... arrive after Meta accepted the send); both end here the same way.
 */
@Component
public class DeadLetters {

    static final String CODE = "hubFailureCode";
    static final String REASON = "hubFailureReason";
    static final String FAILED_AT = "hubFailedAt";
    static final String WAMID = "hubWamid";

    /** A message in the dead-letter queue, as an operator sees it. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record DeadLetter(String messageId, String sender, String recipient, Integer code, String reason, String action,
                             String wamid, String failedAt) {
    }

    /** A dead letter to send, with the JMS properties it carries; the body is the send payload. */
    public record Letter(String payload, Map<String, Object> properties) {
    }

    private final JmsTemplate jms;
    private final ConnectionFactory connectionFactory;
    private final MessageStore store;
    private final OutboundQueues queues;

    private final Durability durability;

    public DeadLetters(JmsTemplate jms, ConnectionFactory connectionFactory, MessageStore store, OutboundQueues queues,
                       Durability durability) {
        this.durability = durability;
        this.jms = jms;
        this.connectionFactory = connectionFactory;
        this.store = store;
        this.queues = queues;
    }

    /**
     * The dead letters of messages that a {@code failed} status has just failed, for the webhook
     * route to send in its own transaction (so a crash sends them again with the webhook).
     */
    public List<Letter> fromFailedStatuses(List<Failed> failed) {
        List<Letter> letters = new ArrayList<>();
        for (Failed f : failed) {
            String reason = "(#" + f.code() + ") " + f.title() + (f.detail() == null || f.detail().isBlank() ? "" : ": " + f.detail())
                    + " (reported by Meta in a failed status)";
            letters.add(new Letter(f.payload(), Map.of(OutboundQueues.MESSAGE_ID, f.id(), OutboundQueues.RECIPIENT, f.recipient(),
                    SendSteps.SENDER, f.sender(), CODE, f.code(), REASON, reason, WAMID, f.wamid(),
                    FAILED_AT, Instant.now().toString())));
        }
        return letters;
    }

    /**
     * Every dead letter once: a failed status that Meta (or a redelivery after a crash) sent twice
     * puts the same letter on the queue twice, and the copies are one failure.
     */
    public List<DeadLetter> list() {
        return jms.browse(OutboundQueues.DEAD_LETTERS, (session, browser) -> {
            Map<String, DeadLetter> letters = new LinkedHashMap<>();
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                DeadLetter letter = view((Message) e.nextElement());
                letters.putIfAbsent(letter.messageId() + "/" + letter.wamid(), letter);
            }
            return new ArrayList<>(letters.values());
        });
    }

    /**
     * Takes the message off the dead-letter queue and puts it on its sender's queue in one JMS
     * transaction; the message is queued again. Empty if no such dead letter.
     */
    public Optional<DeadLetter> replay(String messageId) {
        if (!messageId.matches("[A-Za-z0-9-]+")) {
            return Optional.empty();
        }
        try (Connection connection = connectionFactory.createConnection();
             Session session = connection.createSession(true, Session.SESSION_TRANSACTED)) {
            connection.start();
            return Optional.ofNullable(replay(session, messageId));
        } catch (JMSException e) {
            throw new IllegalStateException("Could not replay dead letter " + messageId + ": " + e.getMessage(), e);
        }
    }

    private DeadLetter replay(Session session, String messageId) throws JMSException {
        try (MessageConsumer consumer = session.createConsumer(session.createQueue(OutboundQueues.DEAD_LETTERS),
                OutboundQueues.MESSAGE_ID + " = '" + messageId + "'")) {
            Message message = consumer.receive(1000);
            if (message == null) {
                return null;
            }
            // copies of the same letter (a failed status received twice) go with it
            while (consumer.receive(100) != null) {
                continue;
            }
            DeadLetter letter = view(message);
            store.resetForReplay(messageId);
            durability.await();
            String sender = message.getStringProperty(SendSteps.SENDER);
            TextMessage copy = session.createTextMessage(((TextMessage) message).getText());
            copy.setStringProperty(OutboundQueues.MESSAGE_ID, messageId);
            copy.setStringProperty(OutboundQueues.RECIPIENT, letter.recipient());
            session.createProducer(session.createQueue(queues.queueOf(sender, letter.recipient()))).send(copy);
            session.commit();
            return letter;
        }
    }

    private static DeadLetter view(Message m) throws JMSException {
        Integer code = m.propertyExists(CODE) ? m.getIntProperty(CODE) : null;
        return new DeadLetter(m.getStringProperty(OutboundQueues.MESSAGE_ID), m.getStringProperty(SendSteps.SENDER),
                m.getStringProperty(OutboundQueues.RECIPIENT), code, m.getStringProperty(REASON),
                code == null ? null : ErrorCodes.action(code), m.getStringProperty(WAMID), m.getStringProperty(FAILED_AT));
    }
}
