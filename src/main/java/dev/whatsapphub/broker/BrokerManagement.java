package dev.whatsapphub.broker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.jms.Connection;
import jakarta.jms.ConnectionFactory;
import jakarta.jms.JMSException;
import jakarta.jms.JMSSecurityException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.MessageProducer;
import jakarta.jms.Queue;
import jakarta.jms.Session;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.activemq.artemis.api.jms.management.JMSManagementHelper;

/**
 * Operations of a standalone Artemis broker's management ({@code activemq.management}), over the
 * hub's own JMS connection: a request with a reply queue and a timeout. One connection, opened
 * on first use and again after a failure.
 */
public final class BrokerManagement implements AutoCloseable {

    /** The broker refused or failed the operation; {@link #denied()} when the hub's user may not manage it. */
    public static final class ManagementException extends Exception {
        private final boolean denied;

        ManagementException(String message, boolean denied, Throwable cause) {
            super(message, cause);
            this.denied = denied;
        }

        public boolean denied() {
            return denied;
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ConnectionFactory factory;
    private final Duration timeout;
    private Connection connection;
    private Session session;
    private MessageProducer requests;
    private Queue replies;
    private MessageConsumer answers;

    public BrokerManagement(ConnectionFactory factory, Duration timeout) {
        this.factory = factory;
        this.timeout = timeout;
    }

    /** Invokes {@code operation} of the broker and returns its result (JSON operations return a String). */
    public synchronized Object invoke(String operation, Object... args) throws ManagementException {
        try {
            open();
            Message request = session.createMessage();
            JMSManagementHelper.putOperationInvocation(request, "broker", operation, args);
            request.setJMSReplyTo(replies);
            requests.send(request);
            Message reply = answers.receive(timeout.toMillis());
            if (reply == null) {
                // a late reply must not be taken for the next request's: start again on a new connection
                closeQuietly();
                throw new ManagementException("the broker did not answer " + operation + " within " + timeout, false, null);
            }
            Object result = JMSManagementHelper.getResult(reply);
            if (!JMSManagementHelper.hasOperationSucceeded(reply)) {
                throw new ManagementException("the broker refused " + operation + ": " + result, String.valueOf(result).contains("AMQ229032"), null);
            }
            return result;
        } catch (JMSSecurityException e) {
            closeQuietly();
            throw new ManagementException("the broker refused " + operation + ": " + e.getMessage(), true, e);
        } catch (ManagementException e) {
            throw e;
        } catch (Exception e) {
            closeQuietly();
            throw new ManagementException("could not call " + operation + " on the broker: " + e.getMessage(), false, e);
        }
    }

    /** The broker's queues whose name contains {@code part}, by name, as listQueues describes them (one call). */
    public Map<String, JsonNode> queues(String part) throws ManagementException {
        ObjectNode filter = JSON.createObjectNode().put("field", "name").put("operation", "CONTAINS").put("value", part);
        Object result = invoke("listQueues", filter.toString(), 1, 100_000);
        Map<String, JsonNode> byName = new HashMap<>();
        try {
            for (JsonNode queue : JSON.readTree(String.valueOf(result)).path("data")) {
                byName.put(queue.path("name").asText(), queue);
            }
        } catch (java.io.IOException e) {
            throw new ManagementException("the broker's queue list is not JSON: " + e.getMessage(), false, e);
        }
        return byName;
    }

    private void open() throws JMSException {
        if (connection != null) {
            return;
        }
        connection = factory.createConnection();
        connection.start();
        session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
        replies = session.createTemporaryQueue();
        answers = session.createConsumer(replies);
        requests = session.createProducer(session.createQueue("activemq.management"));
    }

    private void closeQuietly() {
        if (connection != null) {
            try {
                connection.close();
            } catch (JMSException ignored) {
                // the connection is gone either way
            }
        }
        connection = null;
    }

    @Override
    public synchronized void close() {
        closeQuietly();
    }
}
