package dev.whatsapphub.outbound;

import dev.whatsapphub.store.MessageStore;
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

/** The dead-letter queue: what failed and why, and putting a message back on its sender's queue. */
@Component
public class DeadLetters {

    static final String CODE = "hubFailureCode";
    static final String REASON = "hubFailureReason";
    static final String FAILED_AT = "hubFailedAt";

    /** A message in the dead-letter queue, as an operator sees it. */
    public record DeadLetter(String messageId, String sender, String recipient, Integer code, String reason, String failedAt) {
    }

    private final JmsTemplate jms;
    private final ConnectionFactory connectionFactory;
    private final MessageStore store;
    private final OutboundQueues queues;

    public DeadLetters(JmsTemplate jms, ConnectionFactory connectionFactory, MessageStore store, OutboundQueues queues) {
        this.jms = jms;
        this.connectionFactory = connectionFactory;
        this.store = store;
        this.queues = queues;
    }

    public List<DeadLetter> list() {
        return jms.browse(OutboundQueues.DEAD_LETTERS, (session, browser) -> {
            List<DeadLetter> letters = new ArrayList<>();
            for (Enumeration<?> e = browser.getEnumeration(); e.hasMoreElements(); ) {
                letters.add(view((Message) e.nextElement()));
            }
            return letters;
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
            DeadLetter letter = view(message);
            store.resetForReplay(messageId);
            String sender = message.getStringProperty(SendSteps.SENDER);
            TextMessage copy = session.createTextMessage(((TextMessage) message).getText());
            copy.setStringProperty(OutboundQueues.MESSAGE_ID, messageId);
            copy.setStringProperty(OutboundQueues.RECIPIENT, letter.recipient());
            copy.setStringProperty(OutboundQueues.GROUP, queues.groupOf(sender, letter.recipient()));
            copy.setBooleanProperty(OutboundQueues.REQUEUED, true);
            session.createProducer(session.createQueue(OutboundQueues.queueOf(sender))).send(copy);
            session.commit();
            return letter;
        }
    }

    private static DeadLetter view(Message m) throws JMSException {
        return new DeadLetter(m.getStringProperty(OutboundQueues.MESSAGE_ID), m.getStringProperty(SendSteps.SENDER),
                m.getStringProperty(OutboundQueues.RECIPIENT),
                m.propertyExists(CODE) ? m.getIntProperty(CODE) : null, m.getStringProperty(REASON),
                m.getStringProperty(FAILED_AT));
    }
}
