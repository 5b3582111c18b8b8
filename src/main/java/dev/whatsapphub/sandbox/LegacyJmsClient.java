package dev.whatsapphub.sandbox;

import jakarta.jms.Connection;
import jakarta.jms.JMSException;
import jakarta.jms.Message;
import jakarta.jms.MessageConsumer;
import jakarta.jms.Session;
import jakarta.jms.TemporaryQueue;
import jakarta.jms.TextMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.activemq.artemis.jms.client.ActiveMQConnectionFactory;

/**
 * A legacy system's side of a JMS connector, for trying one out and for tests: sends one text
 * message (a file's content, or {@code --text}) over the broker's TCP port with a user and
 * password, optionally with a temporary reply queue as {@code JMSReplyTo}, and prints the reply
 * and its {@code JMSCorrelationID}. Exit 0 when answered (or sent without --reply), 1 when the
 * broker refused the login, 2 when no reply came in {@code --wait} seconds.
 *
 * <pre>java -cp target/whatsapp-hub-*.jar -Dloader.main=dev.whatsapphub.sandbox.LegacyJmsClient \
 *   org.springframework.boot.loader.launch.PropertiesLauncher --queue legacy.orders.status \
 *   --file connectors/legacy-orders-jms.sample.xml --reply --correlation-id REQ-1</pre>
 */
public final class LegacyJmsClient {

    private LegacyJmsClient() {
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> options = new HashMap<>(Map.of("--url", "tcp://127.0.0.1:61616", "--user", "legacy", "--password",
                "legacy-secret", "--wait", "20"));
        for (int i = 0; i < args.length; i++) {
            if ("--reply".equals(args[i])) {
                options.put("--reply", "true");
            } else if (i + 1 < args.length) {
                options.put(args[i], args[++i]);
            }
        }
        String text = options.containsKey("--file") ? Files.readString(Path.of(options.get("--file")), StandardCharsets.UTF_8)
                : options.getOrDefault("--text", "");
        if (!options.containsKey("--queue")) {
            System.err.println("give --queue <name> and --file <path> or --text <payload>");
            System.exit(64);
        }
        try (ActiveMQConnectionFactory factory = new ActiveMQConnectionFactory(options.get("--url"));
             Connection connection = factory.createConnection(options.get("--user"), options.get("--password"))) {
            connection.start();
            Session session = connection.createSession(false, Session.AUTO_ACKNOWLEDGE);
            TextMessage request = session.createTextMessage(text);
            if (options.containsKey("--correlation-id")) {
                request.setJMSCorrelationID(options.get("--correlation-id"));
            }
            TemporaryQueue replies = options.containsKey("--reply") ? session.createTemporaryQueue() : null;
            MessageConsumer consumer = replies == null ? null : session.createConsumer(replies);
            request.setJMSReplyTo(replies);
            session.createProducer(session.createQueue(options.get("--queue"))).send(request);
            System.out.println("sent " + request.getJMSMessageID() + " to " + options.get("--queue"));
            if (consumer == null) {
                return;
            }
            Message reply = consumer.receive(Long.parseLong(options.get("--wait")) * 1000);
            if (reply == null) {
                System.out.println("no reply within " + options.get("--wait") + " s");
                System.exit(2);
            }
            System.out.println("reply JMSCorrelationID=" + reply.getJMSCorrelationID());
            System.out.println("reply " + ((TextMessage) reply).getText());
        } catch (JMSException e) {
            System.out.println("refused: " + e.getMessage());
            System.exit(1);
        }
    }
}
